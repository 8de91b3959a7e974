import type { Kysely } from "kysely";
import { chainHead, chainKeyOf, rowsOf, type ChainHeadRow } from "./chain-append";
import {
  APPEND_ONLY,
  CHAINED_TABLES,
  GENESIS_PREV,
  contentOf,
  macOf,
  rowKeyOf,
  rowsOfLink,
  type Link,
} from "./chain-links";
import type { Database } from "./schema";

/** One break of the chain, placed at the link it concerns (a row outside the chain: after all). */
export interface ChainProblem {
  seq: number;
  message: string;
}

export interface ChainVerdict {
  links: number;
  /** The rows the links record (a group link records several). */
  rows: number;
  head: ChainHeadRow | null;
  /** In chain order: the first is the first link edited, deleted or out of place. */
  problems: ChainProblem[];
}

const PAGE = 2000;

/**
 * Walks the chain with the key and holds every chained row against its latest link:
 *
 * - each link's MAC is recomputed from its own fields and the previous link's MAC: a link edited
 *   or moved (its sequence number changed, two swapped) fails here; a sequence number missing is
 *   a link deleted;
 * - each row's digest is the one its latest link recorded: a row edited fails, a row whose link
 *   says it exists but is gone was deleted, a row no link names was inserted outside the chain,
 *   and a version or audit line linked twice is out of place;
 * - the head table agrees with the last link (links cut off the end with the head left behind).
 *
 * Links cut off the end together with the head cannot be told from a shorter chain: that is
 * what a head recorded elsewhere (GET /audit/head, the 数据指纹 of a consolidated table) is for.
 */
export async function verifyChain(db: Kysely<Database>): Promise<ChainVerdict> {
  const key = chainKeyOf(db);
  const problems: ChainProblem[] = [];
  const latest = new Map<string, { seq: number; content: string }>();
  const name = (tbl: string, rowKey: string) => `${tbl} ${rowKey}`;
  let expected = 1;
  let prev = GENESIS_PREV;
  let last: Link | null = null;
  let links = 0;
  let rows = 0;
  for (;;) {
    const page: Link[] = (
      await db
        .selectFrom("chain")
        .selectAll()
        .where("seq", ">=", expected)
        .orderBy("seq")
        .limit(PAGE)
        .execute()
    ).map((l) => ({ ...l, seq: Number(l.seq) }));
    for (const l of page) {
      links++;
      const gap = l.seq !== expected;
      if (gap)
        problems.push({
          seq: expected,
          message:
            l.seq === expected + 1
              ? `link ${expected} deleted from the chain (链节被删除)`
              : `links ${expected}–${l.seq - 1} deleted from the chain (链节被删除)`,
        });
      // After a gap, the link's own MAC is checked against the previous link it names.
      const mac = macOf(key, { ...l, prev: gap ? l.prev : prev });
      if (mac !== l.mac || (!gap && l.prev !== prev))
        problems.push({
          seq: l.seq,
          message: `link ${l.seq} (${name(l.tbl, l.row_key)}) edited or out of place (链节被改动或错位)`,
        });
      if (l.tbl !== "genesis")
        for (const r of rowsOfLink(l)) {
          rows++;
          const k = `${r.tbl}\u0000${r.rowKey}`;
          if (APPEND_ONLY.has(r.tbl) && latest.has(k))
            problems.push({
              seq: l.seq,
              message: `link ${l.seq}: ${name(r.tbl, r.rowKey)} linked a second time, out of place (重复入链)`,
            });
          latest.set(k, { seq: l.seq, content: r.content });
        }
      prev = l.mac;
      expected = l.seq + 1;
      last = l;
    }
    if (page.length < PAGE) break;
  }

  const head = await chainHead(db);
  if (!head) problems.push({ seq: 0, message: "the chain has no head (链头缺失)" });
  else if (!last || head.seq !== last.seq || head.digest !== last.mac)
    problems.push({
      seq: last ? last.seq : 0,
      message: `the head (link ${head.seq}) is not the last link (${last ? last.seq : "none"}): links cut off the end (链尾被删除)`,
    });

  const seen = new Set<string>();
  for (const tbl of CHAINED_TABLES)
    for await (const row of rowsOf(db, tbl)) {
      const rowKey = rowKeyOf(tbl, row);
      const k = `${tbl}\u0000${rowKey}`;
      seen.add(k);
      const link = latest.get(k);
      if (!link || link.content === "")
        problems.push({
          seq: Number.MAX_SAFE_INTEGER,
          message: `${name(tbl, rowKey)} not in the chain: inserted outside it (未入链)`,
        });
      else if (contentOf(tbl, row) !== link.content)
        problems.push({
          seq: link.seq,
          message: `link ${link.seq}: ${name(tbl, rowKey)} edited after it was chained (已被改动)`,
        });
    }
  for (const [k, link] of latest)
    if (link.content !== "" && !seen.has(k)) {
      const [tbl, rowKey] = k.split("\u0000") as [string, string];
      problems.push({
        seq: link.seq,
        message: `link ${link.seq}: ${name(tbl, rowKey)} deleted (已被删除)`,
      });
    }
  problems.sort((a, b) => a.seq - b.seq);
  return { links, rows, head, problems };
}
