import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/**
 * The key of the audit chain, kept outside the database so that whoever can write the database
 * cannot compute a link. TIANBAO_CHAIN_KEY (64 hexadecimal digits) wins; otherwise a key file,
 * made with mode 0600 on first start: beside a SQLite file (`FILE.chain-key`), or in
 * TIANBAO_CHAIN_KEY_DIR when set (`FILE.chain-key` there for SQLite, `postgres.chain-key` for
 * PostgreSQL, whose default directory is ./data). An in-memory database gets a key of its own.
 */

const HEX_KEY = /^[0-9a-f]{64}$/i;

export class ChainKeyError extends Error {}

/** Where the key file of a database is (null: no file, the key comes from the environment or memory). */
export function chainKeyFile(sqliteFile: string | null): string {
  const dir = process.env.TIANBAO_CHAIN_KEY_DIR;
  if (sqliteFile === null) return resolve(dir ?? "data", "postgres.chain-key");
  const name = `${basename(sqliteFile)}.chain-key`;
  return resolve(dir ?? dirname(resolve(sqliteFile)), name);
}

function parseKey(text: string, where: string): Buffer {
  const t = text.trim();
  if (!HEX_KEY.test(t))
    throw new ChainKeyError(
      `审计链密钥无效 / invalid audit chain key in ${where}: 64 hexadecimal digits (32 bytes) expected`
    );
  return Buffer.from(t, "hex");
}

/** Reads the key file, or makes it (0600) when there is none; two processes starting together get one key. */
function keyFromFile(file: string): Buffer {
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    return parseKey(readFileSync(file, "utf8"), file);
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Written whole under a name of its own, then linked into place: a process reading the key
  // never sees half a file, and a link that finds the name taken reads the key written first.
  const tmp = join(
    dirname(file),
    `.${basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}`
  );
  const fd = openSync(tmp, "wx", 0o600);
  try {
    writeSync(fd, `${randomBytes(32).toString("hex")}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  } finally {
    unlinkSync(tmp);
  }
  return parseKey(readFileSync(file, "utf8"), file);
}

/** The chain key of a database: `sqliteFile` null for PostgreSQL, ":memory:" for an in-memory SQLite. */
export function loadChainKey(sqliteFile: string | null): Buffer {
  const env = process.env.TIANBAO_CHAIN_KEY;
  if (env !== undefined && env !== "") return parseKey(env, "TIANBAO_CHAIN_KEY");
  if (sqliteFile === ":memory:") return randomBytes(32);
  return keyFromFile(chainKeyFile(sqliteFile));
}
