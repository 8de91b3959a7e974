import type { Kysely } from "kysely";
import type { Prepared } from "./prepared";
import type { Database, TokensTable, UnitsTable } from "./schema";

/**
 * Calls made in the same turn of the event loop are answered by one query: the first schedules
 * the query with setImmediate, the others join it. Every caller's read starts after it called,
 * so it sees whatever was committed before: batching changes no answer, only the round trips.
 */
export function batched<K, V>(run: (keys: readonly K[]) => Promise<V[]>): (key: K) => Promise<V> {
  let pending: { key: K; resolve: (v: V) => void; reject: (e: unknown) => void }[] = [];
  const go = (): void => {
    const batch = pending;
    pending = [];
    run(batch.map((p) => p.key)).then(
      (values) => batch.forEach((p, i) => p.resolve(values[i]!)),
      (error) => batch.forEach((p) => p.reject(error))
    );
  };
  return (key) =>
    new Promise<V>((resolve, reject) => {
      if (!pending.length) setImmediate(go);
      pending.push({ key, resolve, reject });
    });
}

type TokenRow = Pick<TokensTable, "id" | "unit" | "role">;

export interface PostgresReads {
  /** The active token of this hash (or none) and the tables' signature, read together. */
  token(
    hash: string | null
  ): Promise<{ token: TokenRow | null; signature: Record<string, unknown> }>;
  /** The unit and its ancestors, nearest first, and (when asked) its stored history (documents). */
  chainAndHistory(
    code: string,
    history: { template: string; before: string } | null
  ): Promise<{ chain: UnitsTable[]; history: unknown[] }>;
}

/**
 * The reads every submission makes on PostgreSQL, batched: the requests that arrive together
 * share one query for their tokens and one for their units and histories.
 */
export function postgresReads(prepared: Prepared, signatureSql: string): PostgresReads {
  const TOKENS = `
    SELECT s.*, t.token_hash, t.id, t.unit, t.role
    FROM (${signatureSql}) s
    LEFT JOIN tokens t ON t.token_hash = ANY ($1::text[]) AND t.revoked_at IS NULL`;
  const tokens = batched(async (hashes: readonly (string | null)[]) => {
    type Row = Record<string, unknown> & TokenRow & { token_hash: string | null };
    const rows = await prepared<Row>("tianbao_tokens", TOKENS, [hashes.filter((h) => h !== null)]);
    const found = new Map<string, TokenRow>();
    let signature: Record<string, unknown> = {};
    for (const { token_hash, id, unit, role, ...sig } of rows) {
      signature = sig;
      if (token_hash !== null) found.set(token_hash, { id, unit, role });
    }
    return hashes.map((h) => ({ token: (h !== null && found.get(h)) || null, signature }));
  });
  const units = batched(
    async (
      asks: readonly { code: string; history: { template: string; before: string } | null }[]
    ) => {
      const rows = await prepared<{ chain: UnitsTable[] | null; history: unknown[] | null }>(
        "tianbao_chains",
        CHAINS,
        [
          asks.map((a) => a.code),
          asks.map((a) => a.history?.template ?? null),
          asks.map((a) => a.history?.before ?? null),
        ]
      );
      return rows.map((r) => ({ chain: r.chain ?? [], history: r.history ?? [] }));
    }
  );
  return {
    token: tokens,
    chainAndHistory: (code, history) => units({ code, history }),
  };
}

/** Each asked unit with its bureaus (nearest first) and, when asked, its stored history. */
const CHAINS = `
  SELECT
    (WITH RECURSIVE chain (code, parent, depth) AS (
       SELECT code, parent, 0 FROM units WHERE code = j.code
       UNION ALL
       SELECT u.code, u.parent, chain.depth + 1 FROM units u JOIN chain ON u.code = chain.parent
       WHERE chain.depth < 31
     )
     SELECT json_agg(units ORDER BY chain.depth) FROM chain JOIN units ON units.code = chain.code
    ) AS chain,
    CASE WHEN j.template IS NOT NULL THEN
      -- A report's head names its latest version: one row per earlier period, however many
      -- versions each has.
      (SELECT json_agg(s.document::json ORDER BY s.period)
       FROM report_heads h JOIN submissions s ON s.unit = h.unit AND s.template = h.template
         AND s.period = h.period AND s.version = h.last_version
       WHERE h.unit = j.code AND h.template = j.template AND h.period < j.before)
    END AS history
  FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS j(code, template, before, n)
  ORDER BY j.n`;

const registered = new WeakMap<Kysely<Database>, PostgresReads>();

/** openStore registers the batched reads of each PostgreSQL database it opens. */
export function registerPostgresReads(db: Kysely<Database>, reads: PostgresReads): void {
  registered.set(db, reads);
}

/** The batched reads of a database opened by openStore on PostgreSQL; undefined otherwise. */
export function postgresReadsOf(db: unknown): PostgresReads | undefined {
  return registered.get(db as Kysely<Database>);
}
