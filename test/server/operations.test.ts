import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { connect, createServer, type Socket } from "node:net";
import { SUBMIT_BUCKETS } from "../../src/server/metrics";
import { hospitalDoc } from "../helpers/documents";
import {
  createTestDb,
  postJson,
  startTestServer,
  type TestDb,
  type TestServer,
} from "../helpers/server";

/** The value of one sample line of a Prometheus text page (labels as written). */
const sample = (page: string, name: string): number | undefined => {
  const line = page.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
};

const REMOTE = "203.0.113.7";

describe("/metrics", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(":memory:");
  });
  afterAll(async () => s.close());

  const metrics = (headers: Record<string, string> = {}, remoteAddress?: string) =>
    s.app.inject({ method: "GET", url: "/metrics", headers, remoteAddress });

  it("counts requests by route and status, times submissions, and counts group commits", async () => {
    const before = await metrics();
    expect(before.statusCode).toBe(200);
    expect(before.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(sample(before.body, "tianbao_submit_duration_seconds_count")).toBe(0);

    for (let i = 0; i < 3; i++)
      expect(
        (await postJson(s, "/submissions", hospitalDoc({ period: `2022-0${i + 1}` }))).statusCode
      ).toBe(201);
    const bad = await postJson(s, "/submissions", { template: "stat-3" });
    expect(bad.statusCode).toBe(400);
    await s.app.inject({ method: "GET", url: "/api/v1/nowhere/at/all" });
    await s.app.inject({ method: "GET", url: "/api/v1/nowhere/else" });

    const page = (await metrics()).body;
    const route = (r: string, m: string, st: number) =>
      sample(page, `tianbao_http_requests_total{route="${r}",method="${m}",status="${st}"}`);
    expect(route("/api/v1/submissions", "POST", 201)).toBe(3);
    expect(route("/api/v1/submissions", "POST", 400)).toBe(1);
    // Paths no route knows share one label: a scan cannot grow the page.
    expect(route("(unmatched)", "GET", 404)).toBe(2);
    expect(route("/metrics", "GET", 200)).toBe(1);

    expect(sample(page, "tianbao_submit_duration_seconds_count")).toBe(4);
    expect(sample(page, 'tianbao_submit_duration_seconds_bucket{le="+Inf"}')).toBe(4);
    const buckets = SUBMIT_BUCKETS.map((le) =>
      sample(page, `tianbao_submit_duration_seconds_bucket{le="${le}"}`)
    );
    // Cumulative, never more than the count.
    for (let i = 1; i < buckets.length; i++)
      expect(buckets[i]!).toBeGreaterThanOrEqual(buckets[i - 1]!);
    expect(buckets.at(-1)!).toBeLessThanOrEqual(4);
    expect(sample(page, "tianbao_submit_duration_seconds_sum")).toBeGreaterThan(0);

    // Sent one at a time: four jobs in four transactions (the 400 is kept for its key too).
    expect(sample(page, "tianbao_group_commit_jobs_total")).toBe(4);
    expect(sample(page, "tianbao_group_commit_transactions_total")).toBe(4);
    expect(sample(page, "tianbao_upload_pool_queue_length")).toBe(0);
    expect(sample(page, "tianbao_storage_unavailable")).toBe(0);
  });

  it("answers a scrape from this host, or the admin's token from elsewhere; others 401 or 403", async () => {
    expect((await metrics({}, "127.0.0.1")).statusCode).toBe(200);
    expect((await metrics({}, "::1")).statusCode).toBe(200);

    const none = await metrics({}, REMOTE);
    expect([none.statusCode, none.json()]).toEqual([401, { error: "unauthorized" }]);
    const unknown = await metrics({ authorization: `Bearer tb_${"x".repeat(32)}` }, REMOTE);
    expect(unknown.statusCode).toBe(401);
    for (const who of ["H1", "CTY", "CITY"] as const) {
      const r = await metrics({ authorization: `Bearer ${s.tokens[who]}` }, REMOTE);
      expect([who, r.statusCode, r.json()]).toEqual([who, 403, { error: "forbidden" }]);
    }
    const admin = await metrics({ authorization: `Bearer ${s.tokens.ADMIN}` }, REMOTE);
    expect(admin.statusCode).toBe(200);
    expect(admin.body).toMatch(/^# HELP tianbao_http_requests_total /);
  });
});

describe("/api/v1/health when the database cannot store", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(":memory:");
  });
  afterAll(async () => s.close());

  const health = () => s.app.inject({ method: "GET", url: "/api/v1/health" });

  it("is 503 naming the storage after a write it could not store, and ok once one is stored", async () => {
    expect([(await health()).statusCode, (await health()).json()]).toEqual([
      200,
      { status: "ok", db: "sqlite", version: "test" },
    ]);
    const { rows } = await sql<{ page_count: number }>`PRAGMA page_count`.execute(s.store.db);
    await sql.raw(`PRAGMA max_page_count = ${rows[0]!.page_count}`).execute(s.store.db);
    let refused: { key: string; status: number } | null = null;
    for (let i = 0; i < 200 && !refused; i++) {
      const key = randomUUID();
      const doc = hospitalDoc({ rest: (k) => k, note: `第${i}次`.padEnd(180, "。") });
      const r = await postJson(s, "/submissions", doc, s.tokens.H1, key);
      if (r.statusCode !== 201) refused = { key, status: r.statusCode };
    }
    expect(refused?.status).toBe(503);

    const down = await health();
    expect([down.statusCode, down.headers["retry-after"], down.json()]).toEqual([
      503,
      "30",
      {
        status: "unavailable",
        error: "storage-unavailable",
        db: "sqlite",
        cause: "SQLITE_FULL",
        version: "test",
      },
    ]);
    const page = (await s.app.inject({ method: "GET", url: "/metrics" })).body;
    expect(sample(page, "tianbao_storage_unavailable")).toBe(1);

    await sql.raw(`PRAGMA max_page_count = 1073741823`).execute(s.store.db);
    const doc = hospitalDoc({ rest: (k) => k, note: "有空间了" });
    expect((await postJson(s, "/submissions", doc, s.tokens.H1, refused!.key)).statusCode).toBe(
      201
    );
    expect((await health()).statusCode).toBe(200);
  });
});

/**
 * PostgreSQL reached through a TCP relay the test can cut: closed, every connection is reset and
 * new ones are refused, as when the database server stops or the network to it fails.
 */
async function relayTo(
  port: number
): Promise<{ port: number; cut(): void; open(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const make = () =>
    createServer((client) => {
      const upstream = connect(port, "127.0.0.1");
      for (const sock of [client, upstream]) {
        sockets.add(sock);
        sock.on("error", () => undefined);
        sock.on("close", () => sockets.delete(sock));
      }
      client.pipe(upstream).pipe(client);
    });
  let server = make();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const relayPort = (server.address() as { port: number }).port;
  return {
    port: relayPort,
    cut: () => {
      server.close();
      for (const sock of sockets) sock.destroy();
    },
    open: async () => {
      server = make();
      await new Promise<void>((r) => server.listen(relayPort, "127.0.0.1", r));
    },
  };
}

describe("/api/v1/health when PostgreSQL cannot be reached", () => {
  let db: TestDb;
  let s: TestServer;
  let relay: Awaited<ReturnType<typeof relayTo>>;
  beforeAll(async () => {
    db = await createTestDb("postgres");
    const url = new URL(db.url);
    relay = await relayTo(Number(url.port || 5432));
    url.port = String(relay.port);
    s = await startTestServer(url.toString());
  });
  afterAll(async () => {
    relay.cut();
    await s.close();
    await db.drop();
  });

  it("is 503 naming the refusal, and ok again when the database answers", async () => {
    const health = () => s.app.inject({ method: "GET", url: "/api/v1/health" });
    expect((await health()).json()).toMatchObject({ status: "ok", db: "postgres" });
    relay.cut();
    // A connection the pool held is found cut, then a new one is refused.
    const causes: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      const down = await health();
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({
        status: "unavailable",
        error: "storage-unavailable",
        db: "postgres",
      });
      causes.push(down.json().cause);
    }
    expect(causes.at(-1)).toBe("ECONNREFUSED");
    expect(["CONNECTION_LOST", "ECONNREFUSED"]).toContain(causes[0]);
    await relay.open();
    expect((await health()).statusCode).toBe(200);
  });
});

describe("OpenAPI", () => {
  it("describes the health check's 503, and leaves /metrics (outside the API) out", async () => {
    const s = await startTestServer(":memory:");
    try {
      const doc = (await s.app.inject({ method: "GET", url: "/api/v1/openapi.json" })).json();
      const health = doc.paths["/health"].get.responses;
      expect(health["503"].content["application/json"].schema.properties.error).toEqual({
        const: "storage-unavailable",
      });
      expect(Object.keys(health)).toEqual(expect.arrayContaining(["200", "503"]));
      expect(doc.paths["/metrics"]).toBeUndefined();
    } finally {
      await s.close();
    }
  });
});
