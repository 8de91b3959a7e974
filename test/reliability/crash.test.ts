import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { openStore } from "../../src/server/db/connect";
import { CliServer, freePort } from "../helpers/cli-server";
import { createTestDb, type TestDb } from "../helpers/server";

/**
 * The server killed with SIGKILL at random moments while a second process submits, five times,
 * restarted on the same database: every submission that got a 201 is there with its version, the
 * versions of each report run 1…n with no gap and no duplicate, and SQLite's file is intact.
 */
const KILLS = 5;
const FULL = process.env.RELIABILITY === "full";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Line {
  key: string;
  id?: string;
  version?: number;
  period?: string;
  refused?: number;
}

async function crashRun(dbUrl: string, label: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "tianbao-crash-"));
  const port = await freePort();
  const server = new CliServer(port, dbUrl);
  await server.start(true);
  const token = server.tokens().reporter;
  const out = join(dir, "answers.jsonl");
  const loader = spawn(
    process.execPath,
    [join(__dirname, "load.mjs"), `http://127.0.0.1:${port}`, token, out, "8"],
    { stdio: ["ignore", "pipe", "pipe"] }
  );
  let loaderOut = "";
  loader.stdout!.on("data", (b: Buffer) => (loaderOut += b.toString()));
  try {
    for (let k = 0; k < KILLS; k++) {
      await sleep((FULL ? 1500 : 400) + Math.random() * (FULL ? 3000 : 800));
      await server.stop("SIGKILL");
      await server.start(false);
    }
    await sleep(FULL ? 2000 : 600);
  } finally {
    await new Promise<void>((resolve) => {
      loader.once("exit", () => resolve());
      loader.kill("SIGTERM");
    });
    await server.stop();
  }

  const lines: Line[] = existsSync(out)
    ? readFileSync(out, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Line)
    : [];
  const accepted = lines.filter((l) => l.id);
  expect(lines.filter((l) => l.refused)).toEqual([]);
  expect(accepted.length).toBeGreaterThan(20);

  const store = await openStore(dbUrl);
  try {
    const rows = await store.db
      .selectFrom("submissions")
      .select(["id", "unit", "template", "period", "version"])
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    // Every 201 is stored, with the version it was told.
    for (const a of accepted) expect([a.key, byId.get(a.id!)?.version]).toEqual([a.key, a.version]);
    // Each report's versions run 1…n: no gap, no duplicate.
    const reports = new Map<string, number[]>();
    for (const r of rows) {
      const k = `${r.unit}|${r.template}|${r.period}`;
      reports.set(k, [...(reports.get(k) ?? []), r.version]);
    }
    for (const [k, versions] of reports) {
      const sorted = [...versions].sort((a, b) => a - b);
      expect([k, sorted]).toEqual([k, sorted.map((_, i) => i + 1)]);
    }
    // A key answered twice (a retry after a crash) names one submission.
    const ids = new Map<string, string>();
    for (const a of accepted) {
      if (ids.has(a.key)) expect(ids.get(a.key)).toBe(a.id);
      ids.set(a.key, a.id!);
    }
    // The token is never stored in clear, nor logged (the start-up line that prints it aside).
    expect(server.output.split(token).length - 1).toBe(1);
    if (store.kind === "sqlite") {
      const file = dbUrl.slice("sqlite:".length);
      for (const f of [file, `${file}-wal`])
        if (existsSync(f)) expect(readFileSync(f).includes(Buffer.from(token))).toBe(false);
      const check = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(
        store.db
      );
      expect(check.rows.map((r) => r.integrity_check)).toEqual(["ok"]);
    }
    const stats = JSON.parse(loaderOut.trim().split("\n").pop() || "{}") as { retried?: number };
    console.log(
      `crash (${label}): ${KILLS} kills survived, ${accepted.length} answers checked, ${rows.length} submissions stored, ${reports.size} reports, ${stats.retried ?? 0} requests retried`
    );
  } finally {
    await store.close();
  }
}

describe("SIGKILL under load", () => {
  it("SQLite: nothing acknowledged is lost, versions stay gap-free, the file is intact", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tianbao-crash-db-"));
    await crashRun(`sqlite:${join(dir, "tianbao.sqlite")}`, "sqlite");
  }, 180_000);

  it("PostgreSQL: the same", async () => {
    const db: TestDb = await createTestDb("postgres");
    try {
      await crashRun(db.url, "postgres");
    } finally {
      await db.drop();
    }
  }, 180_000);
});
