import { randomUUID } from "node:crypto";
import { runCli } from "../../src/cli/program";
import { openStore } from "../../src/server/db/connect";
import { CliServer, freePort } from "../helpers/cli-server";
import { hospitalDoc } from "../helpers/documents";
import { createTestDb, type TestDb } from "../helpers/server";

/**
 * Two server processes on one PostgreSQL database, as behind a load balancer: whatever keeps a
 * submission correct (idempotency, gap-free versions, locks) lives in the database, so requests
 * spread over both processes behave as if one process answered them all.
 */
jest.setTimeout(180_000);

let pg: TestDb;
const servers: CliServer[] = [];
let reporter: string;
let collector: string;

beforeAll(async () => {
  pg = await createTestDb("postgres");
  const first = new CliServer(await freePort(), pg.url);
  await first.start(true);
  ({ reporter, collector } = first.tokens());
  // The second process finds the registry and the tokens the first one stored.
  const second = new CliServer(await freePort(), pg.url);
  await second.start(false);
  servers.push(first, second);
});

afterAll(async () => {
  for (const s of servers) await s.stop();
  await pg.drop();
});

async function post(
  server: CliServer,
  path: string,
  token: string,
  body: unknown,
  key?: string,
  method = "POST"
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.base}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      ...(key ? { "idempotency-key": key } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const doc = (period: string, c1 = 0) =>
  hospitalDoc({ unit: "DEMO-H02", period, c1, rest: (i) => i });

async function storedVersions(period: string): Promise<number[]> {
  const store = await openStore(pg.url);
  try {
    const rows = await store.db
      .selectFrom("submissions")
      .select("version")
      .where("unit", "=", "DEMO-H02")
      .where("template", "=", "stat-3")
      .where("period", "=", period)
      .orderBy("version")
      .execute();
    return rows.map((r) => r.version);
  } finally {
    await store.close();
  }
}

describe("two server processes on one PostgreSQL database", () => {
  it("50 racing submissions of one report, sent alternately to both: versions exactly 1…50", async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        post(servers[i % 2]!, "/submissions", reporter, doc("2021-05", i), randomUUID())
      )
    );
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 50 }, () => 201));
    const told = answers.map((a) => a.body.version as number).sort((a, b) => a - b);
    const oneToFifty = Array.from({ length: 50 }, (_, i) => i + 1);
    expect(told).toEqual(oneToFifty);
    expect(await storedVersions("2021-05")).toEqual(oneToFifty);
  });

  it("20 replays of one key spread over both: one version, the same receipt", async () => {
    const key = randomUUID();
    const body = doc("2021-04", 7);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post(servers[i % 2]!, "/submissions", reporter, body, key)
      )
    );
    // A replay that arrives while the first is still being stored is told so (409 in-flight); every
    // other answer is the first one's receipt.
    const receipts = answers.filter((a) => a.status === 201);
    expect(receipts.length).toBeGreaterThan(0);
    for (const a of answers)
      if (a.status !== 201) expect([a.status, a.body.error]).toEqual([409, "in-flight"]);
    expect(new Set(receipts.map((a) => a.body.id)).size).toBe(1);
    const again = await post(servers[1]!, "/submissions", reporter, body, key);
    expect([again.status, again.body.id]).toEqual([201, receipts[0]!.body.id]);
    expect(await storedVersions("2021-04")).toEqual([1]);
  });

  it("a lock set through one process is refused through the other at once", async () => {
    const lock = { unit: "DEMO-H02", template: "stat-3", period: "2021-03" };
    const set = await post(servers[0]!, "/locks", collector, lock);
    expect(set.status).toBeLessThan(300);
    const refused = await post(servers[1]!, "/submissions", reporter, doc("2021-03"), randomUUID());
    expect([refused.status, refused.body.error]).toEqual([409, "locked"]);
    expect(await storedVersions("2021-03")).toEqual([]);
  });

  it("both processes' links form one chain: audit verify finds it intact after 60 more racing submissions (exit 0)", async () => {
    // Every version of a month carries the same figure, 100 more than the month before's: the
    // race orders the versions as it likes, and figures that differed within a month would make
    // the latest month's increment fall (period.cumulative-decrease) or stand out from twelve
    // equal ones (history.outlier, needing a 说明: 422) as that order fell.
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => {
        const month = (i % 12) + 1;
        return post(
          servers[i % 2]!,
          "/submissions",
          reporter,
          doc(`2020-${String(month).padStart(2, "0")}`, month * 100),
          randomUUID()
        );
      })
    );
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 60 }, () => 201));
    let out = "";
    const code = await runCli(["audit", "verify", "--db", pg.url], {
      out: (t) => (out += t),
      err: (t) => (out += t),
      setExitCode: () => undefined,
    });
    expect(out).toMatch(/intact/);
    expect(code).toBe(0);
  });
});
