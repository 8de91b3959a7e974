import { createHash, createHmac } from "node:crypto";
import type SQLite from "better-sqlite3";
import { canonicalJson } from "../canonical-json";

/**
 * The links of the audit chain (docs/audit-chain.md), computed in Node: the key never goes into
 * the database. Kept apart from the query builder so the writer thread loads little.
 *
 * A link names one row of a chained table and the SM3 digest of the row's canonical content (""
 * for a row deleted: a lock lifted); its MAC is HMAC-SM3 under the chain key over its sequence
 * number, the previous link's MAC, the table, the row's key, that digest and the time of linking.
 */

/** Every column of each chained table, in no particular order: the canonical content is keyed. */
export const CHAINED_COLUMNS = {
  submissions: [
    "id",
    "unit",
    "template",
    "template_version",
    "period",
    "version",
    "received_at",
    "on_time",
    "document",
    "issues",
    "token_id",
    "remote_addr",
    "explained",
  ],
  audit: ["id", "at", "token_id", "unit", "remote_addr", "action", "detail"],
  reviews: [
    "unit",
    "template",
    "period",
    "version",
    "state",
    "reason",
    "reviewed_at",
    "reviewer_token",
    "reviewer_unit",
  ],
  locks: ["unit", "template", "period", "locked_by", "locked_at"],
} as const;

export type ChainedTable = keyof typeof CHAINED_COLUMNS;
export const CHAINED_TABLES = Object.keys(CHAINED_COLUMNS) as ChainedTable[];

/** Rows never changed once written: a second link for one of them is out of place. */
export const APPEND_ONLY: ReadonlySet<string> = new Set(["submissions", "audit"]);

/** The link before the first one. */
export const GENESIS_PREV = "0".repeat(64);

/** What one link records: a row as written (content: its digest) or removed (content ""). */
export interface RowChange {
  tbl: string;
  rowKey: string;
  content: string;
}

export interface Link {
  seq: number;
  prev: string;
  tbl: string;
  row_key: string;
  content: string;
  at: string;
  mac: string;
}

export interface ChainHead {
  seq: number;
  mac: string;
}

const sm3 = (text: string): string => createHash("sm3").update(text, "utf8").digest("hex");

/** A row's key within its table: the id, or the report (unit, table, month) for reviews and locks. */
export function rowKeyOf(tbl: ChainedTable, row: Record<string, unknown>): string {
  return tbl === "submissions" || tbl === "audit"
    ? String(row.id)
    : canonicalJson([row.unit, row.template, row.period]);
}

/**
 * Each table's columns in canonicalJson's order, each with its `"name":` written out: a row's
 * columns are strings, numbers or null, whose canonical form is JSON.stringify's, so the row's
 * canonical JSON is written here without building and sorting an object per row.
 */
const PREFIXES = Object.fromEntries(
  CHAINED_TABLES.map((t) => {
    const sorted = [...CHAINED_COLUMNS[t]].sort();
    return [t, sorted.map((c, i) => [c, `${i ? "," : "{"}${JSON.stringify(c)}:`] as const)];
  })
) as Record<ChainedTable, (readonly [string, string])[]>;

/** A row's canonical content: canonicalJson of every column of the table, as stored. */
export function canonicalRow(tbl: ChainedTable, row: Record<string, unknown>): string {
  let out = "";
  for (const [c, prefix] of PREFIXES[tbl]) {
    const v = row[c];
    out +=
      prefix +
      (v === undefined || v === null
        ? "null"
        : typeof v === "object"
          ? canonicalJson(v)
          : JSON.stringify(v));
  }
  return out + "}";
}

/** The SM3 digest of a row's canonical content. */
export function contentOf(tbl: ChainedTable, row: Record<string, unknown>): string {
  return sm3(canonicalRow(tbl, row));
}

/** The change a written row makes to the chain. */
export const written = (tbl: ChainedTable, row: Record<string, unknown>): RowChange => ({
  tbl,
  rowKey: rowKeyOf(tbl, row),
  content: contentOf(tbl, row),
});

/** The change a deleted row makes to the chain. */
export const removed = (tbl: ChainedTable, row: Record<string, unknown>): RowChange => ({
  tbl,
  rowKey: rowKeyOf(tbl, row),
  content: "",
});

/** What a link's MAC is computed over: canonicalJson([seq, prev, tbl, row_key, content, at]). */
export function linkHeader(l: Omit<Link, "mac">): string {
  // Its items are a number and strings, whose canonical form is JSON.stringify's.
  return `[${JSON.stringify(l.seq)},${JSON.stringify(l.prev)},${JSON.stringify(l.tbl)},${JSON.stringify(
    l.row_key
  )},${JSON.stringify(l.content)},${JSON.stringify(l.at)}]`;
}

export function macOf(key: Buffer, l: Omit<Link, "mac">): string {
  return createHmac("sm3", key).update(linkHeader(l), "utf8").digest("hex");
}

/** The links that follow `head` for the changes, in their order. */
export function linksAfter(
  key: Buffer,
  head: ChainHead,
  changes: readonly RowChange[],
  at: string
): Link[] {
  const out: Link[] = [];
  let seq = head.seq;
  let prev = head.mac;
  for (const c of changes) {
    const l = { seq: ++seq, prev, tbl: c.tbl, row_key: c.rowKey, content: c.content, at };
    prev = macOf(key, l);
    out.push({ ...l, mac: prev });
  }
  return out;
}

/**
 * SQLite: appends links inside the caller's write transaction (the write lock is held, so the
 * head read is the head). Prepared once per connection.
 */
export function sqliteChain(
  sqlite: SQLite.Database,
  key: Buffer
): (changes: readonly RowChange[], at: string) => void {
  const head = sqlite.prepare<[], ChainHead>(`SELECT seq, mac FROM chain_head WHERE id = 1`);
  const link = sqlite.prepare(
    `INSERT INTO chain (seq, prev, tbl, row_key, content, at, mac) VALUES (?, ?, ?, ?, ?, ?, ?)`
  );
  const move = sqlite.prepare(`UPDATE chain_head SET seq = ?, mac = ?, at = ? WHERE id = 1`);
  return (changes, at) => {
    if (!changes.length) return;
    const h = head.get();
    if (!h)
      throw new Error("the audit chain has no head: the database was not opened by openStore");
    const links = linksAfter(key, h, changes, at);
    for (const l of links) link.run(l.seq, l.prev, l.tbl, l.row_key, l.content, l.at, l.mac);
    const last = links[links.length - 1]!;
    move.run(last.seq, last.mac, at);
  };
}
