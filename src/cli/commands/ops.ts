import type { Command } from "commander";
import { chmodSync, copyFileSync, existsSync, readFileSync } from "node:fs";
import SQLite from "better-sqlite3";
import { BackupRefused, backupDatabase, dbTarget, restoreDatabase } from "../../server/backup";
import { chainKeyFile } from "../../server/db/chain-key";
import { verifyChain } from "../../server/db/chain-verify";
import { DEFAULT_DB, openStore } from "../../server/db/connect";
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
    .option(
      "--chain-key <file>",
      "the audit chain's key file of the database the backup was taken from (kept apart from the backups), put where the restored database looks for its key"
    )
    .action(async (file: string, flags: { db: string; chainKey?: string }) => {
      const n = await restoreDatabase(file, flags.db, () =>
        placeChainKey(file, flags.db, flags.chainKey)
      );
      io.err(
        `restored ${file}: ${n.submissions} versions, ${n.reviews} reviews, ${n.locks} locks, ${n.tokens} tokens`
      );
      // What was restored is held to its chain at once, as `audit verify` would.
      const store = await openStore(flags.db, { checkChainKey: false });
      try {
        const v = await verifyChain(store.db);
        if (v.problems.length) {
          for (const p of v.problems.slice(0, 5)) io.err(p.message);
          io.err(`审计链已被篡改 chain broken: ${v.problems.length} break(s) in ${v.links} links`);
          io.setExitCode(1);
        } else io.err(`审计链完整 chain intact: ${v.links} links`);
      } finally {
        await store.close();
      }
    });
}

/**
 * The key the restored chain was made with must be where the restored database looks for it
 * (a SQLite file's key is named after the file, so a restore under another name needs it put
 * there). Without it the server would make a new key and refuse the chain, so a backup holding
 * links is not restored while no key can be had.
 */
function placeChainKey(backup: string, url: string, keyFile: string | undefined): void {
  if (process.env.TIANBAO_CHAIN_KEY) return;
  const target = dbTarget(url);
  const dest = chainKeyFile(target.kind === "sqlite" ? target.file : null);
  if (keyFile !== undefined) {
    if (!existsSync(keyFile)) throw new BackupRefused(2, `no chain key file at ${keyFile}`);
    if (existsSync(dest)) {
      if (readFileSync(dest, "utf8").trim() !== readFileSync(keyFile, "utf8").trim())
        throw new BackupRefused(
          2,
          `${dest} holds another chain key; nothing was changed. Move it away, or restore elsewhere.`
        );
      return;
    }
    copyFileSync(keyFile, dest);
    chmodSync(dest, 0o600);
    return;
  }
  if (existsSync(dest) || target.kind !== "sqlite" || !hasLinks(backup)) return;
  throw new BackupRefused(
    2,
    `恢复需要原数据库的审计链密钥，未做任何更改 / the backup's audit chain needs the key it was made with: ` +
      `give its key file with --chain-key FILE (beside the original database, FILE.chain-key) or set TIANBAO_CHAIN_KEY; nothing was changed`
  );
}

/** Whether a SQLite backup holds audit chain links (a file that is not one is left to restore to judge). */
function hasLinks(backup: string): boolean {
  try {
    const db = new SQLite(backup, { readonly: true, fileMustExist: true });
    try {
      return Boolean(
        db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'chain'").get() &&
        db.prepare("SELECT 1 FROM chain LIMIT 1").get()
      );
    } finally {
      db.close();
    }
  } catch {
    return false;
  }
}
