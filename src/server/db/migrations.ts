import {
  Migrator,
  PostgresAdapter,
  sql,
  type Kysely,
  type Migration,
  type MigrationProvider,
} from "kysely";
import { TIANBAO_SUBMIT_0004 } from "./migration-sql/0004-tianbao-submit";
import { TIANBAO_SUBMIT_GROUP_0005 } from "./migration-sql/0005-tianbao-submit-group";
import { TIANBAO_SUBMIT_GROUP_0006 } from "./migration-sql/0006-tianbao-submit-group";
import { TIANBAO_SUBMIT_0007 } from "./migration-sql/0007-tianbao-submit";

/** One set of migrations for SQLite and PostgreSQL, run at start. Append new ones; never edit old ones. */
const MIGRATIONS: Record<string, Migration> = {
  "0001-initial": {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("units")
        .addColumn("code", "varchar(64)", (c) => c.primaryKey())
        .addColumn("name", "varchar(200)", (c) => c.notNull())
        .addColumn("kind", "varchar(16)", (c) => c.notNull())
        .addColumn("parent", "varchar(64)")
        .addColumn("ownership", "varchar(16)")
        .addColumn("grade", "varchar(1)")
        .addColumn("active_from", "varchar(10)")
        .addColumn("active_to", "varchar(10)")
        .execute();
      await db.schema.createIndex("units_parent").on("units").column("parent").execute();

      await db.schema
        .createTable("tokens")
        .addColumn("id", "varchar(36)", (c) => c.primaryKey())
        .addColumn("token_hash", "varchar(64)", (c) => c.notNull().unique())
        .addColumn("unit", "varchar(64)", (c) => c.notNull())
        .addColumn("role", "varchar(16)", (c) => c.notNull())
        .addColumn("created_at", "varchar(32)", (c) => c.notNull())
        .addColumn("revoked_at", "varchar(32)")
        .execute();

      await db.schema
        .createTable("submissions")
        .addColumn("id", "varchar(36)", (c) => c.primaryKey())
        .addColumn("unit", "varchar(64)", (c) => c.notNull())
        .addColumn("template", "varchar(64)", (c) => c.notNull())
        .addColumn("template_version", "integer", (c) => c.notNull())
        .addColumn("period", "varchar(7)", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("received_at", "varchar(32)", (c) => c.notNull())
        .addColumn("on_time", "integer", (c) => c.notNull())
        .addColumn("document", "text", (c) => c.notNull())
        .addColumn("issues", "text", (c) => c.notNull())
        .addColumn("token_id", "varchar(36)", (c) => c.notNull())
        .addColumn("remote_addr", "varchar(64)", (c) => c.notNull())
        .addUniqueConstraint("submissions_version_unique", [
          "unit",
          "template",
          "period",
          "version",
        ])
        .execute();

      await db.schema
        .createTable("report_heads")
        .addColumn("unit", "varchar(64)", (c) => c.notNull())
        .addColumn("template", "varchar(64)", (c) => c.notNull())
        .addColumn("period", "varchar(7)", (c) => c.notNull())
        .addColumn("last_version", "integer", (c) => c.notNull())
        .addColumn("first_received_at", "varchar(32)", (c) => c.notNull())
        .addPrimaryKeyConstraint("report_heads_pk", ["unit", "template", "period"])
        .execute();

      await db.schema
        .createTable("idempotency")
        .addColumn("unit", "varchar(64)", (c) => c.notNull())
        .addColumn("key", "varchar(128)", (c) => c.notNull())
        .addColumn("request_hash", "varchar(64)", (c) => c.notNull())
        .addColumn("status_code", "integer", (c) => c.notNull())
        .addColumn("response", "text", (c) => c.notNull())
        .addColumn("created_at", "varchar(32)", (c) => c.notNull())
        .addPrimaryKeyConstraint("idempotency_pk", ["unit", "key"])
        .execute();

      await db.schema
        .createTable("locks")
        .addColumn("unit", "varchar(64)", (c) => c.notNull())
        .addColumn("template", "varchar(64)", (c) => c.notNull())
        .addColumn("period", "varchar(7)", (c) => c.notNull())
        .addColumn("locked_by", "varchar(36)", (c) => c.notNull())
        .addColumn("locked_at", "varchar(32)", (c) => c.notNull())
        .addPrimaryKeyConstraint("locks_pk", ["unit", "template", "period"])
        .execute();

      await db.schema
        .createTable("audit")
        .addColumn("id", "varchar(36)", (c) => c.primaryKey())
        .addColumn("at", "varchar(32)", (c) => c.notNull())
        .addColumn("token_id", "varchar(36)")
        .addColumn("unit", "varchar(64)")
        .addColumn("remote_addr", "varchar(64)")
        .addColumn("action", "varchar(64)", (c) => c.notNull())
        .addColumn("detail", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("audit_at").on("audit").column("at").execute();
    },
  },
  "0002-review": {
    async up(db: Kysely<unknown>): Promise<void> {
      // The review of a report's latest version: one row per report, replaced on each review.
      // A row whose version is not the report's latest is the review of an older version, so
      // a new version is `submitted` again without touching this table.
      await db.schema
        .createTable("reviews")
        .addColumn("unit", "varchar(64)", (c) => c.notNull())
        .addColumn("template", "varchar(64)", (c) => c.notNull())
        .addColumn("period", "varchar(7)", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("state", "varchar(16)", (c) => c.notNull())
        .addColumn("reason", "text")
        .addColumn("reviewed_at", "varchar(32)", (c) => c.notNull())
        .addColumn("reviewer_token", "varchar(36)", (c) => c.notNull())
        .addColumn("reviewer_unit", "varchar(64)", (c) => c.notNull())
        .addPrimaryKeyConstraint("reviews_pk", ["unit", "template", "period"])
        .execute();
      await db.schema
        .createIndex("reviews_template_period")
        .on("reviews")
        .columns(["template", "period"])
        .execute();
    },
  },
  // How many explanations (说明) a version carries, for the collector's board without reading documents.
  "0002-submissions-explained": {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable("submissions")
        .addColumn("explained", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
    },
  },
  "0003-templates": {
    async up(db: Kysely<unknown>): Promise<void> {
      // Table definitions installed at run time (templates import / POST /templates); every
      // version is kept, since documents name the version they were filled on.
      await db.schema
        .createTable("templates")
        .addColumn("id", "varchar(64)", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("definition", "text", (c) => c.notNull())
        .addColumn("installed_at", "varchar(32)", (c) => c.notNull())
        .addColumn("retired_at", "varchar(32)")
        .addPrimaryKeyConstraint("templates_pk", ["id", "version"])
        .execute();
    },
  },
  // PostgreSQL stores a submission in one round trip through this function; SQLite needs nothing.
  "0004-perf": {
    async up(db: Kysely<unknown>): Promise<void> {
      if (db.getExecutor().adapter instanceof PostgresAdapter)
        await sql.raw(TIANBAO_SUBMIT_0004).execute(db);
    },
  },
  // PostgreSQL stores a whole group of submissions in one call, set-based; 0004's function stays
  // for a group that has to be stored again job by job.
  "0005-group-submit": {
    async up(db: Kysely<unknown>): Promise<void> {
      if (db.getExecutor().adapter instanceof PostgresAdapter)
        await sql.raw(TIANBAO_SUBMIT_GROUP_0005).execute(db);
    },
  },
  // tianbao_submit_group again, its answers written and read back by index probes: a database
  // made before keeps 0005's first form, whose kept plans could scan the idempotency table whole.
  "0006-group-submit-probes": {
    async up(db: Kysely<unknown>): Promise<void> {
      if (db.getExecutor().adapter instanceof PostgresAdapter)
        await sql.raw(TIANBAO_SUBMIT_GROUP_0006).execute(db);
    },
  },
  // tianbao_submit again, its error answered with its SQLSTATE, so that a full disk is a 503.
  "0007-submit-sqlstate": {
    async up(db: Kysely<unknown>): Promise<void> {
      if (db.getExecutor().adapter instanceof PostgresAdapter)
        await sql.raw(TIANBAO_SUBMIT_0007).execute(db);
    },
  },
  // The audit chain (docs/audit-chain.md): one link per version, review, lock or audit row written,
  // and the head the next link follows. Its links are made in Node, at the first start after this
  // migration for the rows already stored (the key is not the database's to know).
  "0008-audit-chain": {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("chain")
        .addColumn("seq", "integer", (c) => c.primaryKey())
        .addColumn("prev", "varchar(64)", (c) => c.notNull())
        .addColumn("tbl", "varchar(32)", (c) => c.notNull())
        .addColumn("row_key", "text", (c) => c.notNull())
        .addColumn("content", "text", (c) => c.notNull())
        .addColumn("at", "varchar(32)", (c) => c.notNull())
        .addColumn("mac", "varchar(64)", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("chain_head")
        .addColumn("id", "integer", (c) => c.primaryKey())
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("mac", "varchar(64)", (c) => c.notNull())
        .addColumn("at", "varchar(32)", (c) => c.notNull())
        .execute();
    },
  },
};

/** Exported for the upgrade check (upgrade.ts), which compares the database's list with it. */
export const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrate(db: Kysely<unknown>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed)
    throw new Error(`migration ${failed?.migrationName ?? ""} failed: ${String(error)}`);
}
