import type { Command } from "commander";
import { backupDatabase, restoreDatabase } from "../../server/backup";
import { DEFAULT_DB } from "../../server/db/connect";
import type { CliIO } from "../io";

const DB_HELP =
  "sqlite:FILE or postgres://… (default: TIANBAO_DB, else sqlite:./data/tianbao.sqlite)";

/** backup and restore (docs/operations.md). */
export function registerOps(program: Command, io: CliIO): void {
  program
    .command("backup")
    .description(
      "a consistent copy of the database while the server runs (SQLite's online backup; pg_dump for PostgreSQL), into a new file made readable by its owner only"
    )
    .requiredOption("--out <file>", "the backup file to make (must not exist)")
    .option("--db <url>", DB_HELP)
    .action(async (flags: { out: string; db?: string }) => {
      const url = flags.db ?? process.env.TIANBAO_DB ?? DEFAULT_DB;
      const done = await backupDatabase(url, flags.out);
      io.err(`backed up to ${flags.out} (${done.how})`);
    });
  program
    .command("restore")
    .description(
      "restores a backup into an empty database only (a new SQLite file, or a newly created PostgreSQL database); a database holding anything is refused"
    )
    .argument("<file>", "a file `backup` made")
    .requiredOption("--db <url>", "the empty database: sqlite:FILE or postgres://…")
    .action(async (file: string, flags: { db: string }) => {
      const n = await restoreDatabase(file, flags.db);
      io.err(
        `restored ${file}: ${n.submissions} versions, ${n.reviews} reviews, ${n.locks} locks, ${n.tokens} tokens`
      );
    });
}
