import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import autocannon from "autocannon";
import { hospitalDoc } from "../test/helpers/documents";
import { createTestDb } from "../test/helpers/server";

/**
 * CPU time per request of the ingest benchmark's server (bench/ingest-server.ts), per thread:
 * what a route costs whatever else the machine runs, where a rate measured on a busy machine
 * says little. Linux only (it reads /proc).
 *
 *   npx tsx bench/ingest-cpu.ts sqlite|postgres [ours|durable|bare] [seconds] [cpu-prof-dir]
 *
 * The route is loaded 2 s untimed, then timed; with a directory, the server runs under
 * --cpu-prof and writes a profile per thread there when it stops.
 */
const BODY = JSON.stringify(hospitalDoc({ rest: (i) => i }));
const kind = process.argv[2] === "postgres" ? "postgres" : "sqlite";
const route = process.argv[3] ?? "ours";
const seconds = Number(process.argv[4] ?? 8);
const profileDir = process.argv[5];

type Ports = Record<"ours" | "bare" | "durable", number> & { token: string };

/** CPU time (µs) of each thread of a process, by thread id. */
function threadTimes(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8").split(") ")[1]!.split(" ");
    // utime and stime, in clock ticks (100 a second).
    out.set(tid, (Number(fields[11]) + Number(fields[12])) * 10_000);
  }
  return out;
}

async function main(): Promise<void> {
  const db = await createTestDb(kind);
  const args = ["--import", "tsx"];
  if (profileDir) args.push("--cpu-prof", `--cpu-prof-dir=${profileDir}`);
  const child = spawn(process.execPath, [...args, join(__dirname, "ingest-server.ts"), db.url], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ports = await new Promise<Ports>((resolve) => {
    let out = "";
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve(JSON.parse(line) as Ports);
    });
  });
  const url =
    route === "ours"
      ? `http://127.0.0.1:${ports.ours}/api/v1/submissions`
      : `http://127.0.0.1:${ports[route as "bare" | "durable"]}/${route}`;
  const load = (duration: number) =>
    autocannon({
      url,
      connections: 32,
      duration,
      method: "POST",
      headers: { authorization: `Bearer ${ports.token}`, "content-type": "application/json" },
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
  try {
    await load(2);
    const before = threadTimes(child.pid!);
    const r = await load(seconds);
    const after = threadTimes(child.pid!);
    let total = 0;
    for (const [tid, t] of after) {
      const spent = t - (before.get(tid) ?? 0);
      total += spent;
      if (spent > 0)
        console.log(`  thread ${tid}: ${(spent / r.requests.total).toFixed(1)} µs/req`);
    }
    console.log(
      `${kind} ${route}: ${(total / r.requests.total).toFixed(1)} µs CPU a request, ` +
        `${r.requests.average} req/s, p99 ${r.latency.p99} ms, ${r.non2xx} non-2xx`
    );
  } finally {
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
    await db.drop();
  }
}

void main();
