import { Command, CommanderError } from "commander";
import { registerAudit } from "./commands/audit";
import { registerFiles } from "./commands/files";
import { registerServer } from "./commands/server";
import { registerTemplates } from "./commands/templates";
import { registerValidate } from "./commands/validate";
import { registerWps } from "./commands/wps";
import { ChainKeyError } from "../server/db/chain-key";
import { CliExit, type CliIO } from "./io";
import { BackupRefused } from "../server/backup";
import { NewerDatabaseError } from "../server/db/upgrade";
import { registerOps } from "./commands/ops";

export function buildProgram(io: CliIO): Command {
  const program = new Command("tianbao")
    .description("填报 Tianbao: the official campaign statistical tables")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  registerValidate(program, io);
  registerServer(program, io);
  registerFiles(program, io);
  registerTemplates(program, io);
  registerWps(program, io);
  registerOps(program, io);
  registerAudit(program, io);
  return program;
}

/** Runs one command line; returns the exit code (2 for usage errors, as for a bad file). */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let code = 0;
  const program = buildProgram({ ...io, setExitCode: (c) => (code = c) });
  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CliExit) {
      io.err(e.message);
      return e.code;
    }
    if (e instanceof ChainKeyError) {
      io.err(e.message);
      return 2;
    }
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof NewerDatabaseError || e instanceof BackupRefused) {
      io.err(e.message);
      return e.exitCode;
    }
    io.err(`unexpected error: ${(e as Error).stack ?? String(e)}`);
    return 3;
  }
}
