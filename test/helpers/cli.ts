import { runCli } from "../../src/cli/program";

/** Runs one command line in-process, capturing stdout, stderr and the exit code. */
export async function runCommand(
  args: string[]
): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(args, {
    out: (s) => (out += s),
    err: (s) => (err += s),
    setExitCode: () => undefined,
  });
  return { code, out, err };
}
