import { randomUUID } from "node:crypto";
import { dirname, join } from "node:path";
import SQLite from "better-sqlite3";
import Fastify, { type FastifyInstance } from "fastify";
import pg from "pg";
import { issueToken } from "../src/server/tokens";
import { buildApp } from "../src/server/app";
import { openStore } from "../src/server/db/connect";
import { GroupCommit } from "../src/server/db/group-commit";
import { writerOf } from "../src/server/db/submission-writer";
import { upsertUnits } from "../src/server/units";
import { templates } from "../src/templates";
import { TEST_UNITS } from "../test/helpers/server";

/**
 * The ingest benchmark's server process: Tianbao's app on a database; a bare Fastify route
 * answering 201 to the same body (context); and the anchor, a bare route that stores the body as
 * durably as the disk allows — on SQLite a prepared insert under the same pragmas committed in
 * groups by the same GroupCommit, on PostgreSQL one INSERT per request on a pool of the same size.
 * All on loopback; prints their ports and a reporter token.
 */

/** The durable bare route: the body kept, nothing checked. */
async function durableBare(url: string): Promise<{ app: FastifyInstance; close(): Promise<void> }> {
  const app = Fastify({ bodyLimit: 1024 * 1024 });
  if (url.startsWith("postgres")) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    await pool.query(
      "CREATE TABLE IF NOT EXISTS bench_bare (id varchar(36) PRIMARY KEY, body text NOT NULL)"
    );
    app.post("/durable", async (req, reply) => {
      const id = randomUUID();
      await pool.query("INSERT INTO bench_bare (id, body) VALUES ($1, $2)", [
        id,
        JSON.stringify(req.body),
      ]);
      return reply.status(201).send({ id, version: 1 });
    });
    return { app, close: () => pool.end() };
  }
  const file = join(dirname(url.slice("sqlite:".length)), "bare.sqlite");
  const sqlite = new SQLite(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.exec("CREATE TABLE IF NOT EXISTS bench_bare (id TEXT PRIMARY KEY, body TEXT NOT NULL)");
  const insert = sqlite.prepare("INSERT INTO bench_bare (id, body) VALUES (?, ?)");
  const group = new GroupCommit<{ id: string; body: string }, void>({
    sqlite,
    exclusive: async (fn) => fn(),
    storeOne: (row) => void insert.run(row.id, row.body),
    maxBatch: 64,
    maxWaitMs: 2,
  });
  app.post("/durable", async (req, reply) => {
    const id = randomUUID();
    await group.submit({ id, body: JSON.stringify(req.body) });
    return reply.status(201).send({ id, version: 1 });
  });
  return { app, close: async () => void sqlite.close() };
}
async function main(): Promise<void> {
  const url = process.argv[2]!;
  const store = await openStore(url);
  await upsertUnits(store.db, TEST_UNITS);
  const token = (await issueToken(store.db, "H1", "reporter")).token;
  const app = await buildApp({
    store,
    templates: templates(),
    version: "bench",
    rateLimitPerMinute: 10_000_000,
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const bare = Fastify({ bodyLimit: 1024 * 1024 });
  bare.post("/bare", async (_req, reply) => reply.status(201).send({ id: "bare", version: 1 }));
  await bare.listen({ port: 0, host: "127.0.0.1" });
  const durable = await durableBare(url);
  await durable.app.listen({ port: 0, host: "127.0.0.1" });
  const port = (a: FastifyInstance) => (a.server.address() as { port: number }).port;
  process.stdout.write(
    `${JSON.stringify({ ours: port(app), bare: port(bare), durable: port(durable.app), token })}\n`
  );
  process.on("SIGTERM", () => {
    const { jobs, transactions } = writerOf(store.db).stats();
    process.stderr.write(
      `ingest server (${store.kind}): ${jobs} submissions stored in ${transactions} transactions\n`
    );
    void Promise.all([app.close(), bare.close(), durable.app.close()])
      .then(() => Promise.all([store.close(), durable.close()]))
      .then(() => process.exit(0));
  });
}

void main();
