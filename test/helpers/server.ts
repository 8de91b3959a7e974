import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../src/server/app";
import { openStore, type Store } from "../../src/server/db/connect";
import { issueToken, type Role } from "../../src/server/tokens";
import { unitInput as u, upsertUnits, type UnitInput } from "../../src/server/units";
import { templates } from "../../src/templates";

/** The PostgreSQL the machine runs; each suite creates a database of its own and drops it. */
export const PG_ADMIN_URL =
  process.env.TIANBAO_TEST_PG ?? "postgres://postgres@127.0.0.1:5432/test";

export interface TestDb {
  kind: "sqlite" | "postgres";
  url: string;
  drop(): Promise<void>;
}

export async function createTestDb(kind: "sqlite" | "postgres"): Promise<TestDb> {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "tianbao-db-"));
    return { kind, url: `sqlite:${join(dir, "test.sqlite")}`, drop: async () => undefined };
  }
  const name = `tianbao_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    kind,
    url,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A small province: one city over two counties, each with a department and hospitals. */
export const TEST_UNITS: UnitInput[] = [
  u("CITY", "示例市卫生健康委", "bureau", null),
  u("CTY", "示例县卫生健康局", "bureau", "CITY"),
  u("CTY2", "邻县卫生健康局", "bureau", "CITY"),
  u("D1", "党建办", "department", "CTY"),
  u("H1", "示例县人民医院", "hospital", "CTY", "public", "2"),
  u("H2", "仁和医院", "hospital", "CTY", "private", "1"),
  u("H3", "邻县中医院", "hospital", "CTY2", "public", "3"),
];

export interface TestServer {
  app: FastifyInstance;
  store: Store;
  tokens: Record<"H1" | "H2" | "H3" | "CTY" | "CTY2" | "CITY" | "ADMIN", string>;
  close(): Promise<void>;
}

/**
 * A POST of a JSON body to the API as `token` (H1's unless said), under a fresh idempotency key
 * unless one is given (a retry of the same request).
 */
export function postJson(
  s: TestServer,
  url: string,
  body: unknown,
  token: string = s.tokens.H1,
  key: string = randomUUID()
) {
  return s.app.inject({
    method: "POST",
    url: `/api/v1${url}`,
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      "idempotency-key": key,
    },
    payload: JSON.stringify(body),
  });
}

export async function startTestServer(
  url: string,
  extra: { bodyLimit?: number; now?: () => Date; rateLimitPerMinute?: number } = {}
): Promise<TestServer> {
  const store = await openStore(url);
  await upsertUnits(store.db, TEST_UNITS);
  const t = async (unit: string, role: Role) => (await issueToken(store.db, unit, role)).token;
  const tokens = {
    H1: await t("H1", "reporter"),
    H2: await t("H2", "reporter"),
    H3: await t("H3", "reporter"),
    CTY: await t("CTY", "collector"),
    CTY2: await t("CTY2", "collector"),
    CITY: await t("CITY", "collector"),
    ADMIN: await t("CITY", "admin"),
  };
  const app = await buildApp({
    store,
    templates: templates(),
    version: "test",
    rateLimitPerMinute: 100000,
    ...extra,
  });
  return {
    app,
    store,
    tokens,
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}
