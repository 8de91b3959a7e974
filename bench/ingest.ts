import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { hospitalDoc } from "../test/helpers/documents";
import { createTestDb } from "../test/helpers/server";
import { round } from "./timing";

/**
 * Ingest: autocannon on loopback, 32 connections, POST /submissions with a distinct idempotency key
 * per request. The anchor is the disk: a bare route storing the same body as durably (see
 * ingest-server.ts), in the same run; a bare route storing nothing is printed as context. The
 * server runs in its own process, so the load generator does not share its event loop.
 */
const BODY = JSON.stringify(hospitalDoc({ rest: (i) => i }));

async function load(url: string, token: string, seconds: number) {
  const r = await autocannon({
    url,
    connections: 32,
    duration: seconds,
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: BODY,
    requests: [
      {
        setupRequest: (req) => ({
          ...req,
          headers: { ...req.headers, "idempotency-key": randomUUID() },
        }),
      },
    ],
  });
  return {
    reqPerSec: r.requests.average,
    p99ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

type Run = Awaited<ReturnType<typeof load>>;

/** Rounds of one route: their mean rate, and the worst of their p99s. */
const combined = (runs: Run[]): Run => ({
  reqPerSec: runs.reduce((s, r) => s + r.reqPerSec, 0) / runs.length,
  p99ms: Math.max(...runs.map((r) => r.p99ms)),
  non2xx: runs.reduce((s, r) => s + r.non2xx, 0),
  errors: runs.reduce((s, r) => s + r.errors, 0),
});

async function one(dbUrl: string, seconds: number, warmup: number) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(__dirname, "ingest-server.ts"), dbUrl],
    {
      stdio: ["ignore", "pipe", "inherit"],
    }
  );
  type Ports = { ours: number; bare: number; durable: number; token: string };
  const ports = await new Promise<Ports>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve(JSON.parse(line) as Ports);
    });
    child.once("exit", (code) => reject(new Error(`ingest server exited ${code}`)));
  });
  // Each route is loaded untimed first, then timed: a server runs for months, and a fresh
  // process's first seconds (the JIT compiling each route's code) say little about it; our route
  // has more code to compile than the bare ones, so a cold start charged it more than them.
  // Ours and its anchor are then timed in alternating rounds: this machine's speed drifts over a
  // minute, and one long run of each would charge the drift to whichever ran in the slow part.
  const url = {
    bare: `http://127.0.0.1:${ports.bare}/bare`,
    durable: `http://127.0.0.1:${ports.durable}/durable`,
    ours: `http://127.0.0.1:${ports.ours}/api/v1/submissions`,
  };
  const rounds = seconds >= 10 ? 4 : 1;
  const each = Math.max(2, Math.round((seconds * 1.5) / rounds));
  try {
    await load(url.bare, ports.token, warmup);
    const bare = await load(url.bare, ports.token, seconds);
    await load(url.durable, ports.token, warmup);
    await load(url.ours, ports.token, warmup);
    const timed = { durable: [] as Run[], ours: [] as Run[] };
    for (let r = 0; r < rounds; r++) {
      timed.durable.push(await load(url.durable, ports.token, each));
      timed.ours.push(await load(url.ours, ports.token, each));
    }
    const ours = combined(timed.ours);
    const durable = combined(timed.durable);
    for (const [name, r] of Object.entries({ ours, durable }))
      if (r.non2xx || r.errors)
        throw new Error(`ingest (${name}): ${r.non2xx} non-2xx, ${r.errors} errors`);
    return {
      reqPerSec: round(ours.reqPerSec, 0),
      p99ms: ours.p99ms,
      durableBareReqPerSec: round(durable.reqPerSec, 0),
      durableBareP99ms: durable.p99ms,
      ratioToDurableBare: round(ours.reqPerSec / durable.reqPerSec),
      bareReqPerSec: round(bare.reqPerSec, 0),
      ratioToBare: round(ours.reqPerSec / bare.reqPerSec),
    };
  } finally {
    // Stopped before its database is dropped, so it never sees its connections cut.
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  }
}

export async function benchIngest(quick: boolean) {
  const seconds = quick ? 2 : 10;
  const warmup = quick ? 1 : 3;
  const dir = mkdtempSync(join(tmpdir(), "tianbao-bench-ingest-"));
  const sqlite = await one(`sqlite:${join(dir, "ingest.sqlite")}`, seconds, warmup);
  const pg = await createTestDb("postgres");
  try {
    const postgres = await one(pg.url, seconds, warmup);
    return { sqlite, postgres };
  } finally {
    await pg.drop();
  }
}

if (require.main === module)
  void benchIngest(process.argv.includes("--quick")).then((r) => console.log(r));
