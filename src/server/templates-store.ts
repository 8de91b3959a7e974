import { sql, type Kysely, type Transaction } from "kysely";
import { compileTemplate, TemplateError, type CompiledTemplate } from "../core/template/compile";
import { TemplateRegistry } from "../core/template/registry";
import type { Database } from "./db/schema";
import { hotReadsOf, TEMPLATES_SIGNATURE } from "./db/hot-reads";

/**
 * Table definitions kept in the database, versioned. The database is the truth: every server
 * process on it reads the rows into its own registry (`syncRegistry`) before answering, so a
 * table installed by the CLI or another process is seen at once.
 */

/** JSON with keys sorted, so two definitions that differ only in key order are the same. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

/** A definition's content apart from its version number (and the free-text $comment). */
const content = (t: CompiledTemplate): string =>
  canonical({ ...t.def, version: 0, $comment: undefined });

/** A stored version compiled, or null when today's compiler refuses it (stored before a bound). */
function compiledOrNull(definition: string): CompiledTemplate | null {
  try {
    return compileTemplate(JSON.parse(definition));
  } catch (e) {
    if (e instanceof TemplateError) return null;
    throw e;
  }
}

export interface ImportResult {
  id: string;
  version: number;
  /** false: the same definition was installed already (nothing written). */
  changed: boolean;
  /** true when the table had been retired and is in use again. */
  reinstated: boolean;
}

/** Thrown for a definition the compiler refuses; `pointer` is the JSON pointer of the place. */
export { TemplateError };

const isUniqueViolation = (e: unknown): boolean => {
  const err = e as { code?: string; message?: string };
  return (
    err.code === "23505" ||
    err.code === "SQLITE_CONSTRAINT_PRIMARYKEY" ||
    /UNIQUE constraint failed/.test(err.message ?? "")
  );
};

/**
 * Installs a definition: refused (TemplateError) when the compiler finds it wrong; a no-op when it
 * equals the latest version; else a new version — the file's own version for a new table, the
 * latest + 1 for a changed one, so a version a submission used is never altered.
 */
export async function importTemplate(
  db: Kysely<Database>,
  input: unknown,
  now: Date = new Date(),
  /** Written in the same transaction when something changed (the audit line): both or neither. */
  onChange?: (trx: Transaction<Database>, r: ImportResult) => Promise<void>
): Promise<ImportResult> {
  const first = compileTemplate(input);
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx) => {
        const r = await importOnce(trx, first, input, now);
        if (onChange && (r.changed || r.reinstated)) await onChange(trx, r);
        return r;
      });
    } catch (e) {
      // Two imports of one table at once: the loser reads again and compares with the winner.
      if (!isUniqueViolation(e) || attempt >= 3) throw e;
    }
  }
}

async function importOnce(
  db: Kysely<Database>,
  first: CompiledTemplate,
  input: unknown,
  now: Date
): Promise<ImportResult> {
  const latest = await db
    .selectFrom("templates")
    .select(["version", "definition", "retired_at"])
    .where("id", "=", first.id)
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();
  let t = first;
  if (latest) {
    const stored = compiledOrNull(latest.definition);
    if (stored && content(stored) === content(first)) {
      if (latest.retired_at !== null)
        await db
          .updateTable("templates")
          .set({ retired_at: null })
          .where("id", "=", first.id)
          .execute();
      return {
        id: first.id,
        version: latest.version,
        changed: false,
        reinstated: latest.retired_at !== null,
      };
    }
    t = compileTemplate({ ...(input as object), version: latest.version + 1 });
  }
  await insertDefinition(db, t, now);
  return { id: t.id, version: t.version, changed: true, reinstated: latest?.retired_at != null };
}

/** Retires a table (every version): no new submissions; documents and versions stay. false: unknown id. */
export async function retireTemplate(
  db: Kysely<Database>,
  id: string,
  now: Date = new Date(),
  /** Written in the same transaction when the table was retired (the audit line). */
  onRetired?: (trx: Transaction<Database>) => Promise<void>
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable("templates")
      .set({ retired_at: now.toISOString() })
      .where("id", "=", id)
      .executeTakeFirst();
    const retired = Number(r.numUpdatedRows) > 0;
    if (retired && onRetired) await onRetired(trx);
    return retired;
  });
}

export interface InstalledTemplate {
  id: string;
  version: number;
  installedAt: string;
  retiredAt: string | null;
  title: string;
}

/** The latest version of every table, retired ones included (the CLI's `templates list`). */
export async function listInstalled(db: Kysely<Database>): Promise<InstalledTemplate[]> {
  const rows = await db
    .selectFrom("templates")
    .selectAll()
    .orderBy("installed_at")
    .orderBy("id")
    .orderBy("version")
    .execute();
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    const cur = latest.get(r.id);
    if (!cur || cur.version < r.version) latest.set(r.id, r);
  }
  return [...latest.values()].map((r) => ({
    id: r.id,
    version: r.version,
    installedAt: r.installed_at,
    retiredAt: r.retired_at,
    title: (JSON.parse(r.definition) as { title: string }).title,
  }));
}

/** On first start (no table installed yet), the built-in pack becomes the database's. */
export async function seedTemplates(
  db: Kysely<Database>,
  pack: TemplateRegistry,
  now: Date = new Date()
): Promise<void> {
  const any = await db.selectFrom("templates").select("id").limit(1).executeTakeFirst();
  if (any) return;
  // Installation times a millisecond apart keep the pack's order in every listing; all before
  // `now`, so a table installed right after the seeding (the same millisecond) still lists after.
  const all = pack.all();
  for (const [i, t] of all.entries()) {
    try {
      await insertDefinition(db, t, new Date(now.getTime() - all.length + i));
    } catch (e) {
      // Another process seeding the same database at the same moment wrote it first.
      if (!isUniqueViolation(e)) throw e;
    }
  }
}

/** One version of a table, in use from `at`. */
async function insertDefinition(
  db: Kysely<Database>,
  t: { id: string; version: number; def: unknown },
  at: Date
): Promise<void> {
  await db
    .insertInto("templates")
    .values({
      id: t.id,
      version: t.version,
      definition: JSON.stringify(t.def),
      installed_at: at.toISOString(),
      retired_at: null,
    })
    .execute();
}

/**
 * Brings a registry up to the database: versions it lacks are compiled in, retirement follows
 * the latest row of each table. One small query when nothing changed.
 */
export async function syncRegistry(
  db: Kysely<Database>,
  registry: TemplateRegistry,
  /** The signature, when the caller read it already (with the token, in one round trip). */
  known?: string
): Promise<void> {
  // Every request asks; only a changed signature reads the tables again (SQLite answers it on
  // the read-only connection, never queuing behind the writer).
  const fast = hotReadsOf(db);
  const signature =
    known ??
    (fast
      ? fast.templatesSignature()
      : JSON.stringify((await sql.raw(TEMPLATES_SIGNATURE).execute(db)).rows[0]));
  if (seen.get(registry) === signature) return;
  await readRegistry(db, registry);
  seen.set(registry, signature);
}

/** The signature each registry last caught up with. */
const seen = new WeakMap<TemplateRegistry, string>();

async function readRegistry(db: Kysely<Database>, registry: TemplateRegistry): Promise<void> {
  const rows = await db
    .selectFrom("templates")
    .select(["id", "version", "retired_at"])
    .orderBy("installed_at")
    .orderBy("version")
    .execute();
  const missing = rows.filter((r) => !registry.has(r.id, r.version));
  for (const m of missing) {
    const row = await db
      .selectFrom("templates")
      .select("definition")
      .where("id", "=", m.id)
      .where("version", "=", m.version)
      .executeTakeFirstOrThrow();
    try {
      registry.install(JSON.parse(row.definition));
    } catch (e) {
      // A version stored before a bound it breaks (an older release took it): left out, so the
      // server still starts and answers; its documents are an unknown table until it is fixed.
      if (!(e instanceof TemplateError)) throw e;
    }
  }
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    const cur = latest.get(r.id);
    if (!cur || cur.version < r.version) latest.set(r.id, r);
  }
  for (const [id, r] of latest) registry.setRetired(id, r.retired_at !== null);
}
