import Fastify from "fastify";
import { issueToken } from "../src/server/tokens";
import { buildApp } from "../src/server/app";
import { openStore } from "../src/server/db/connect";
import { upsertUnits } from "../src/server/units";
import { templates } from "../src/templates";
import { TEST_UNITS } from "../test/helpers/server";

/**
 * The ingest benchmark's server process: Tianbao's app on a database, and a bare Fastify route
 * answering 201 to the same body, both on loopback; prints their ports and a reporter token.
 */
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
  const port = (a: typeof app) => (a.server.address() as { port: number }).port;
  process.stdout.write(
    `${JSON.stringify({ ours: port(app), bare: port(bare as never), token })}\n`
  );
  process.on("SIGTERM", () => {
    void Promise.all([app.close(), bare.close()])
      .then(() => store.close())
      .then(() => process.exit(0));
  });
}

void main();
