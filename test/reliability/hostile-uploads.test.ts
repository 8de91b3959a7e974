import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { layoutPlan } from "../../src/core/layout/plan";
import { templates } from "../../src/templates";
import { writeXlsx } from "../../src/xlsx/write";
import { CliServer, freePort } from "../helpers/cli-server";
import { lyingZipBomb, manyRows } from "../helpers/hostile-xlsx";

/**
 * Hostile uploads against a real server process (started as `npm start` starts it, and through
 * the bin). Lying zip bombs (1.5 MB on the wire, a directory that says 4,000 bytes, 1.5 GB inflated) sent
 * six at once to a real server process: each is refused, the process lives, /health answers and
 * its peak memory stays bounded. `npm test` sends one volley; `npm run test:reliability` five.
 */
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const VOLLEYS = process.env.RELIABILITY === "full" ? 5 : 1;
const PEAK_RSS_MB = 600;

/** The peak resident set of a process (VmHWM), in MB. */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmHWM for ${pid}`);
  return Number(m[1]) / 1024;
}

/** CPU ticks (user + system) of a process, or of one of its threads, from /proc. */
function cpuTicks(statFile: string): number {
  const fields = readFileSync(statFile, "utf8").split(") ")[1]!.split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

const dir = mkdtempSync(join(tmpdir(), "tianbao-bombs-"));

const upload = (server: CliServer, token: string, body: Buffer) =>
  fetch(`${server.base}/api/v1/uploads?period=2021-07`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": XLSX },
    body: new Uint8Array(body),
  });

describe("lying zip bombs against a real server", () => {
  let server: CliServer;
  let bomb: Buffer;
  beforeAll(async () => {
    server = new CliServer(await freePort(), `sqlite:${join(dir, "bombs.sqlite")}`);
    await server.start(true);
    bomb = await lyingZipBomb(1536 * 2 ** 20);
  }, 120_000);
  afterAll(() => server.stop());

  it("six at once: each refused, the process alive, /health answering, peak RSS under 600 MB", async () => {
    const { reporter } = server.tokens();
    expect(bomb.length).toBeLessThan(2 * 2 ** 20);
    for (let volley = 0; volley < VOLLEYS; volley++) {
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => upload(server, reporter, bomb))
      );
      for (const a of answers) {
        expect(a.status).toBe(422);
        expect(await a.json()).toMatchObject({
          error: "unreadable-file",
          message: expect.stringMatching(/声明解压后为 4000 字节，实际更大/),
        });
      }
      expect(server.pid).toBeDefined();
      const health = await fetch(`${server.base}/api/v1/health`);
      expect(health.status).toBe(200);
    }
    expect(peakRssMb(server.pid!)).toBeLessThan(PEAK_RSS_MB);
  }, 300_000);

  it("/health answers while 100,000-row uploads are read, and they are read off the event loop", async () => {
    const { reporter } = server.tokens();
    const big = await manyRows(100_000);
    const pid = server.pid!;
    const mainBefore = cpuTicks(`/proc/${pid}/task/${pid}/stat`);
    const allBefore = cpuTicks(`/proc/${pid}/stat`);
    const events: string[] = [];
    const uploads = Promise.all(
      Array.from({ length: 4 }, () =>
        upload(server, reporter, big).then(async (r) => {
          events.push("upload");
          return { status: r.status, body: (await r.json()) as { message?: string } };
        })
      )
    );
    for (let i = 0; i < 3; i++) {
      const health = await fetch(`${server.base}/api/v1/health`);
      expect(health.status).toBe(200);
      events.push("health");
    }
    const answers = await uploads;
    const main = cpuTicks(`/proc/${pid}/task/${pid}/stat`) - mainBefore;
    const all = cpuTicks(`/proc/${pid}/stat`) - allBefore;
    expect(events).toEqual(["health", "health", "health", "upload", "upload", "upload", "upload"]);
    // The event loop's thread did the least of the work: the files were read on others.
    expect(main).toBeLessThan(all / 2);
    for (const a of answers) {
      expect(a.status).toBe(422);
      expect(a.body.message).toBe("工作表有 100001 行，超过统计表最多的 5000 行，文件未读取");
    }
  }, 300_000);
});

describe("the upload reader's worker threads, started through the bin", () => {
  let server: CliServer;
  beforeAll(async () => {
    server = new CliServer(await freePort(), `sqlite:${join(dir, "bin.sqlite")}`, undefined, "bin");
    await server.start(true);
  }, 120_000);
  afterAll(() => server.stop());

  it("reads an upload (the worker loads the TypeScript sources as the bin does)", async () => {
    const blank = await writeXlsx(
      layoutPlan(templates().get("stat-3")!, { period: "2021-07", tier: "public.g2" })
    );
    const r = await upload(server, server.tokens().reporter, blank);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { document: { template: string }; issues: unknown[] };
    expect(body.document.template).toBe("stat-3");
    expect(body.issues.length).toBeGreaterThan(0); // a blank table: its cells are required
  }, 120_000);
});
