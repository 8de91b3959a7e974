import { createHmac, hash } from "node:crypto";
import type SQLite from "better-sqlite3";
import { canonicalJson } from "../canonical-json";

/**
 * The links of the audit chain (docs/audit-chain.md), computed in Node: the key never goes into
 * the database. Kept apart from the query builder so the writer thread loads little.
 *
 * A link records the rows one transaction wrote: of one row, the table, the row's key and the SM3
 * digest of the row's canonical content ("" for a row deleted: a lock lifted); of several rows
 * (a group of submissions), the table "group" and the list of those three for each row, in order.
 * Its MAC is HMAC-SM3 under the chain key over its sequence number, the previous link's MAC, the
 * table, the row's key, the content and the time of linking.
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

/** The table of a link recording several rows, its content their list (groupContent). */
export const GROUP = "group";

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

// The one-shot digest: no Hash object made and thrown away per row, as createHash would.
const sm3 = (text: string): string => hash("sm3", text, "hex");

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

/** A group link's content: canonicalJson of [table, row key, digest] for each row, in order. */
export function groupContent(changes: readonly RowChange[]): string {
  let out = "[";
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    // Strings only, whose canonical form is JSON.stringify's.
    out += `${i ? "," : ""}[${JSON.stringify(c.tbl)},${JSON.stringify(c.rowKey)},${JSON.stringify(c.content)}]`;
  }
  return out + "]";
}

/**
 * The rows a link records, in order: its own, or a group's list. A group whose content is not
 * such a list (edited: its MAC fails too) records none.
 */
export function rowsOfLink(l: Pick<Link, "tbl" | "row_key" | "content">): RowChange[] {
  if (l.tbl !== GROUP) return [{ tbl: l.tbl, rowKey: l.row_key, content: l.content }];
  let list: unknown;
  try {
    list = JSON.parse(l.content);
  } catch {
    return [];
  }
  if (!Array.isArray(list)) return [];
  return list.flatMap((r) =>
    Array.isArray(r) && r.length === 3 && r.every((x) => typeof x === "string")
      ? [{ tbl: r[0] as string, rowKey: r[1] as string, content: r[2] as string }]
      : []
  );
}

/**
 * The link that follows `head` for the rows one transaction wrote: one row is a link of its own;
 * several (a group of submissions) one group link, so the key is used once per transaction.
 */
export function linkAfter(
  key: Buffer,
  head: ChainHead,
  changes: readonly RowChange[],
  at: string
): Link {
  const one = changes.length === 1 ? changes[0]! : null;
  const l = {
    seq: head.seq + 1,
    prev: head.mac,
    tbl: one ? one.tbl : GROUP,
    row_key: one ? one.rowKey : "",
    content: one ? one.content : groupContent(changes),
    at,
  };
  return { ...l, mac: macOf(key, l) };
}

/** The links that follow `head`, one for each change, in their order (the genesis). */
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
    const l = linkAfter(key, h, changes, at);
    link.run(l.seq, l.prev, l.tbl, l.row_key, l.content, l.at, l.mac);
    move.run(l.seq, l.mac, at);
  };
}
