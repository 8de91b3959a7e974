/** Where a command writes, so tests can run commands in-process; stdout carries only the command's output. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  setExitCode(code: number): void;
}

/** Ends a command with an exit code and a message for stderr. */
export class CliExit extends Error {
  constructor(
    readonly code: number,
    message: string
  ) {
    super(message);
    this.name = "CliExit";
  }
}

export const processIO: CliIO = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};
