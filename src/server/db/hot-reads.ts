import SQLite from "better-sqlite3";
import { sql, type Kysely } from "kysely";
import { postgresReadsOf } from "./read-batches";
import type { Database, TokensTable, UnitsTable } from "./schema";

/**
 * The reads every submission makes (its token, its unit and the bureaus above), as prepared
 * statements on a second, read-only SQLite connection: in WAL mode it sees exactly what is
 * committed, never waits for the writer, and builds no query per request.
 */
export interface HotReads {
  token(hash: string): Pick<TokensTable, "id" | "unit" | "role"> | undefined;
  unit(code: string): UnitsTable | undefined;
  /** The unit and its ancestors, nearest first (at most 32, as ancestry()). */
  chain(code: string): UnitsTable[];
  /** The documents (JSON) of the latest version of each period before `before`, oldest first. */
  history(unit: string, template: string, before: string): string[];
  /** Every unit, ordered by code, as arrays in the order of UNIT_COLUMNS (10,000 objects fewer). */
  allUnits(): UnitTuple[];
  /**
   * The latest version of each unit's report of one table and period, as [unit, id, version,
   * document]: of the units in `units` (a JSON array of codes), or of every unit when null.
   */
  latestOfPeriod(template: string, period: string, units: string | null): LatestTuple[];
  /** What changes whenever a table is installed, retired or taken back into use. */
  templatesSignature(): string;
  /**
   * Runs reads made back to back (a request's token and signature, say) against one check of
   * what was committed: they answer as if read together a moment earlier.
   */
  together<T>(reads: () => T): T;
  close(): void;
}

export const UNIT_COLUMNS = [
  "code",
  "name",
  "kind",
  "parent",
  "ownership",
  "grade",
  "active_from",
  "active_to",
] as const;
export type UnitTuple = [
  code: UnitsTable["code"],
  name: UnitsTable["name"],
  kind: UnitsTable["kind"],
  parent: UnitsTable["parent"],
  ownership: UnitsTable["ownership"],
  grade: UnitsTable["grade"],
  activeFrom: UnitsTable["active_from"],
  activeTo: UnitsTable["active_to"],
];
export type LatestTuple = [unit: string, id: string, version: number, document: string];

/** The newest version of each unit's report of one period, of some units (a JSON array) or all. */
const latestOfPeriodSql = (some: boolean): string => `
  SELECT s.unit, s.id, s.version, s.document
  FROM submissions s
  JOIN (SELECT unit, MAX(version) AS v FROM submissions
        WHERE template = @template AND period = @period
          ${some ? "AND unit IN (SELECT value FROM json_each(@units))" : ""}
        GROUP BY unit) m ON m.unit = s.unit AND m.v = s.version
  WHERE s.template = @template AND s.period = @period`;

const CHAIN = `
  WITH RECURSIVE chain (code, parent, depth) AS (
    SELECT code, parent, 0 FROM units WHERE code = ?
    UNION ALL
    SELECT u.code, u.parent, chain.depth + 1 FROM units u JOIN chain ON u.code = chain.parent
    WHERE chain.depth < 31
  )
  SELECT units.* FROM chain JOIN units ON units.code = chain.code ORDER BY chain.depth`;

/** Counts and latest instants of the installed tables: cheap to ask at every request. */
export const TEMPLATES_SIGNATURE = `
  SELECT COUNT(*) AS n, COUNT(retired_at) AS retired,
         MAX(installed_at) AS installed_last, MAX(retired_at) AS retired_last
  FROM templates`;

/** More entries than this in one of the caches and it starts again empty (random tokens, say). */
const CACHE_LIMIT = 10_000;
/**
 * Histories hold whole documents (a large table's are megabytes): few are kept, enough for the
 * reports being submitted between two commits.
 */
const HISTORY_LIMIT = 64;

export function sqliteHotReads(file: string): HotReads {
  const reader = new SQLite(file, { readonly: true, fileMustExist: true });
  reader.pragma("busy_timeout = 5000");
  const token = reader.prepare<[string], Pick<TokensTable, "id" | "unit" | "role">>(
    "SELECT id, unit, role FROM tokens WHERE token_hash = ? AND revoked_at IS NULL"
  );
  const unit = reader.prepare<[string], UnitsTable>("SELECT * FROM units WHERE code = ?");
  const chain = reader.prepare<[string], UnitsTable>(CHAIN);
  const history = reader
    .prepare<[string, string, string], string>(
      // A report's head names its latest version: one row per earlier period, however many
      // versions each has.
      `SELECT s.document FROM report_heads h
       JOIN submissions s ON s.unit = h.unit AND s.template = h.template AND s.period = h.period
         AND s.version = h.last_version
       WHERE h.unit = ? AND h.template = ? AND h.period < ?
       ORDER BY h.period`
    )
    .pluck();
  const allUnits = reader
    .prepare<[], UnitTuple>(`SELECT ${UNIT_COLUMNS.join(", ")} FROM units ORDER BY code`)
    .raw();
  const latestOfAll = reader
    .prepare<[{ template: string; period: string }], LatestTuple>(latestOfPeriodSql(false))
    .raw();
  const latestOfSome = reader
    .prepare<[{ template: string; period: string; units: string }], LatestTuple>(
      latestOfPeriodSql(true)
    )
    .raw();
  const signature = reader.prepare<[], Record<string, unknown>>(TEMPLATES_SIGNATURE);
  // data_version changes exactly when another connection, of this process (the writer) or of
  // any other, has committed since this one last asked: answers read at one value stay exact
  // until it moves. It is read before the rows, so a row is never older than the value it is
  // kept under.
  const dataVersion = reader.prepare<[], number>("PRAGMA data_version").pluck();
  let seen = -1;
  const caches = {
    token: new Map<string, Pick<TokensTable, "id" | "unit" | "role"> | undefined>(),
    unit: new Map<string, UnitsTable | undefined>(),
    chain: new Map<string, UnitsTable[]>(),
    history: new Map<string, string[]>(),
  };
  let templates: string | null = null;
  let inside = false;
  const fresh = (): void => {
    if (inside) return;
    const v = dataVersion.get()!;
    if (v === seen) return;
    seen = v;
    for (const c of Object.values(caches)) c.clear();
    templates = null;
  };
  const cached = <V>(cache: Map<string, V>, key: string, read: () => V, limit = CACHE_LIMIT): V => {
    fresh();
    if (cache.has(key)) return cache.get(key)!;
    const v = read();
    if (cache.size >= limit) cache.clear();
    cache.set(key, v);
    return v;
  };
  const frozen = <T extends object>(row: T | undefined): T | undefined => row && Object.freeze(row);
  return {
    templatesSignature: () => {
      fresh();
      return (templates ??= JSON.stringify(signature.get()));
    },
    // A registry and a period's documents are read fresh each time: any commit (a submission
    // among them) would empty a cache of them, and they are too large to keep per value.
    allUnits: () => allUnits.all(),
    latestOfPeriod: (template, period, units) =>
      units === null
        ? latestOfAll.all({ template, period })
        : latestOfSome.all({ template, period, units }),
    token: (hash) => cached(caches.token, hash, () => frozen(token.get(hash))),
    unit: (code) => cached(caches.unit, code, () => frozen(unit.get(code))),
    chain: (code) =>
      cached(
        caches.chain,
        code,
        () => Object.freeze(dedupe(chain.all(code)).map((u) => Object.freeze(u))) as UnitsTable[]
      ),
    history: (u, t, before) =>
      cached(
        caches.history,
        JSON.stringify([u, t, before]),
        () => Object.freeze(history.all(u, t, before)) as string[],
        HISTORY_LIMIT
      ),
    together: (reads) => {
      if (inside) return reads();
      fresh();
      inside = true;
      try {
        return reads();
      } finally {
        inside = false;
      }
    },
    close: () => reader.close(),
  };
}

/** A cycle in the registry stops the chain where ancestry() stops it: at the first repeat. */
function dedupe(rows: UnitsTable[]): UnitsTable[] {
  const seen = new Set<string>();
  const out: UnitsTable[] = [];
  for (const r of rows) {
    if (seen.has(r.code)) break;
    seen.add(r.code);
    out.push(r);
  }
  return out;
}

const hot = new WeakMap<Kysely<Database>, HotReads>();

export function registerHotReads(db: Kysely<Database>, reads: HotReads): void {
  hot.set(db, reads);
}

/** The hot reads of a database opened by openStore on a SQLite file; undefined otherwise. */
export function hotReadsOf(db: unknown): HotReads | undefined {
  return hot.get(db as Kysely<Database>);
}

/**
 * What the validation of a document reads: the unit's row and its ancestors', nearest first
 * (empty for an unknown unit), and, when asked, the unit's stored history of a table before a
 * period (the latest version of each earlier period's document, oldest first). Hot reads on
 * SQLite; on PostgreSQL one query, shared with the requests that ask at the same moment.
 */
export async function unitChainAndHistory(
  db: Kysely<Database>,
  code: string,
  history: { template: string; before: string } | null
): Promise<{ chain: UnitsTable[]; history: unknown[] }> {
  const fast = hotReadsOf(db);
  if (fast)
    return fast.together(() => ({
      chain: fast.chain(code),
      history: history
        ? fast.history(code, history.template, history.before).map((d) => JSON.parse(d) as unknown)
        : [],
    }));
  const batch = postgresReadsOf(db);
  if (batch) {
    const read = await batch.chainAndHistory(code, history);
    return { chain: dedupe(read.chain), history: read.history };
  }
  // Neither (an in-memory SQLite database): plain SQL both databases speak.
  const { rows: chain } = await sql<UnitsTable>`
    WITH RECURSIVE chain (code, parent, depth) AS (
      SELECT code, parent, 0 FROM units WHERE code = ${code}
      UNION ALL
      SELECT u.code, u.parent, chain.depth + 1 FROM units u JOIN chain ON u.code = chain.parent
      WHERE chain.depth < 31
    )
    SELECT units.* FROM chain JOIN units ON units.code = chain.code ORDER BY chain.depth`.execute(
    db
  );
  if (!history) return { chain: dedupe(chain), history: [] };
  const past = await db
    .selectFrom("submissions as s")
    .select("s.document")
    .where("s.unit", "=", code)
    .where("s.template", "=", history.template)
    .where("s.period", "<", history.before)
    .where("s.version", "=", (eb) =>
      eb
        .selectFrom("submissions as v")
        .select((v) => v.fn.max("v.version").as("latest"))
        .whereRef("v.unit", "=", "s.unit")
        .whereRef("v.template", "=", "s.template")
        .whereRef("v.period", "=", "s.period")
    )
    .orderBy("s.period")
    .execute();
  return { chain: dedupe(chain), history: past.map((r) => JSON.parse(r.document) as unknown) };
}
