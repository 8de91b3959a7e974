import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { layoutPlan } from "../../src/core/layout/plan";
import { templates } from "../../src/templates";
import { writeXlsx } from "../../src/xlsx/write";
import { runCommand } from "../helpers/cli";
import { CliServer, freePort } from "../helpers/cli-server";
import {
  lyingZipBomb,
  manyRows,
  rangeExpansion,
  type ExpandedRange,
} from "../helpers/hostile-xlsx";

/**
 * Hostile uploads against a real server process (started as `npm start` starts it, and through
 * the bin). Lying zip bombs (1.5 MB on the wire, a directory that says 4,000 bytes, 1.5 GB inflated) sent
 * six at once to a real server process: each is refused, the process lives, /health answers and
 * its peak memory, and each reader's, stays bounded. `npm test` sends one volley; `npm run test:reliability` five.
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

/** The server's reader processes (its children), from /proc. */
function readerPids(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, "utf8")
      .split(" ")
      .filter(Boolean)
      .map(Number)
  );
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
    const readers = readerPids(server.pid!);
    expect(readers.length).toBeGreaterThan(0);
    for (const reader of readers) expect(peakRssMb(reader)).toBeLessThan(PEAK_RSS_MB);
  }, 300_000);

  it("/health answers while 100,000-row uploads are read, and they are read off the event loop", async () => {
    const { reporter } = server.tokens();
    const big = await manyRows(100_000);
    const pid = server.pid!;
    const readerTicks = (): Map<number, number> =>
      new Map(readerPids(pid).map((r) => [r, cpuTicks(`/proc/${r}/stat`)]));
    const mainBefore = cpuTicks(`/proc/${pid}/task/${pid}/stat`);
    const readersBefore = readerTicks();
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
    let readers = 0;
    for (const [r, ticks] of readerTicks()) readers += ticks - (readersBefore.get(r) ?? 0);
    expect(events).toEqual(["health", "health", "health", "upload", "upload", "upload", "upload"]);
    // The event loop's thread did the least of the work: the files were read in the readers.
    expect(main).toBeLessThan(readers / 2);
    for (const a of answers) {
      expect(a.status).toBe(422);
      expect(a.body.message).toBe("工作表有 100001 行，超过统计表最多的 5000 行，文件未读取");
    }
  }, 300_000);
});

/**
 * Files of 20–30 kB whose one range expands to the whole sheet (17 billion cells): refused by
 * the scan before any parser sees them, with the sheet and the range named. And a reader that
 * runs out of memory all the same (made to, here, by a fault the test switches on: one allocation
 * larger than what is left of the heap, which aborts a whole process, not only a worker thread)
 * costs that upload a 422, never the server, while another unit's upload is read beside it
 * (one round in `npm test`, five in `npm run test:reliability`).
 */
describe("ranges that expand, and a reader out of memory, against a real server", () => {
  const rangesDb = `sqlite:${join(dir, "ranges.sqlite")}`;
  let server: CliServer;
  let blank: Buffer;
  beforeAll(async () => {
    server = new CliServer(await freePort(), rangesDb);
    server.env = { TIANBAO_TEST_READER_FAULT: "on" };
    await server.start(true);
    blank = await writeXlsx(
      layoutPlan(templates().get("stat-3")!, { period: "2021-07", tier: "public.g2" })
    );
  }, 120_000);
  afterAll(() => server.stop());

  const cases: [string, ExpandedRange, string, boolean, RegExp][] = [
    [
      "a validation over A1:XFD1048576 beside a 15 MB inline string",
      "validation",
      "A1:XFD1048576",
      true,
      /^工作表“表三 2021-07”的数据验证范围 A1:XFD1048576 超出了表格的使用区域 A1:R20/,
    ],
    [
      "a conditional format over A1:XFD1048576",
      "conditional-format",
      "A1:XFD1048576",
      false,
      /^工作表“表三 2021-07”的条件格式范围 A1:XFD1048576 超出了表格的使用区域 A1:Q20/,
    ],
    [
      "a merge over T1:XFD1048576",
      "merge",
      "T1:XFD1048576",
      false,
      /^工作表“表三 2021-07”的合并单元格范围 T1:XFD1048576 超出了表格的使用区域 A1:Q20/,
    ],
    [
      "a validation just below the table (D9:D40)",
      "validation",
      "D9:D40",
      false,
      /^工作表“表三 2021-07”的数据验证范围 D9:D40 超出了表格的使用区域 A1:Q20/,
    ],
  ];

  it.each(cases)(
    "%s: 422 naming the sheet and range, the process alive, /health answering",
    async (_name, kind, ref, bigString, message) => {
      const file = await rangeExpansion(kind, ref, bigString);
      expect(file.length).toBeLessThan(40_000);
      const r = await upload(server, server.tokens().reporter, file);
      expect(r.status).toBe(422);
      expect(await r.json()).toMatchObject({
        error: "unreadable-file",
        message: expect.stringMatching(message),
      });
      expect(server.pid).toBeDefined();
      expect((await fetch(`${server.base}/api/v1/health`)).status).toBe(200);
    },
    120_000
  );

  it("a defined name over the whole sheet: not given to the parser, the file read", async () => {
    const file = await rangeExpansion("defined-name", "'表三 2021-07'!$A$1:$XFD$1048576");
    const r = await upload(server, server.tokens().reporter, file);
    expect(r.status).toBe(200);
    expect(((await r.json()) as { document: { template: string } }).document.template).toBe(
      "stat-3"
    );
  }, 120_000);

  it("a reader out of memory: that upload answered 422, another unit's upload meanwhile read, then /health and the next upload", async () => {
    const { reporter } = server.tokens();
    // Another hospital of the demo county (public, grade 2 as well: the same blank is its table).
    const issued = await runCommand([
      "token",
      "issue",
      "--unit",
      "DEMO-H03",
      "--role",
      "reporter",
      "--db",
      rangesDb,
    ]);
    expect(issued.code).toBe(0);
    const another = issued.out.trim();
    for (let round = 0; round < VOLLEYS; round++) {
      const [oom, other] = await Promise.all([
        upload(server, reporter, Buffer.from("TIANBAO-TEST-OOM")),
        upload(server, another, blank),
      ]);
      expect(oom.status).toBe(422);
      expect(await oom.json()).toMatchObject({
        error: "unreadable-file",
        message: "文件过大，读取时超出了内存限制，一张统计表不需要这么大",
      });
      expect(other.status).toBe(200);
      expect(((await other.json()) as { document: { template: string } }).document.template).toBe(
        "stat-3"
      );
      expect(server.pid).toBeDefined();
      expect((await fetch(`${server.base}/api/v1/health`)).status).toBe(200);
      const next = await upload(server, reporter, blank);
      expect(next.status).toBe(200);
      expect(((await next.json()) as { document: { template: string } }).document.template).toBe(
        "stat-3"
      );
    }
  }, 300_000);

  it("a reader killed from outside: that upload answered 503 with Retry-After, the next one read", async () => {
    const { reporter } = server.tokens();
    const r = await upload(server, reporter, Buffer.from("TIANBAO-TEST-KILL"));
    expect(r.status).toBe(503);
    expect(r.headers.get("retry-after")).toBe("5");
    expect(await r.json()).toEqual({
      error: "reader-failed",
      message: "读取文件的进程意外退出，文件未读取，请稍后重新上传",
    });
    expect(server.pid).toBeDefined();
    expect((await upload(server, reporter, blank)).status).toBe(200);
  }, 120_000);
});

describe("the upload reader's processes, started through the bin", () => {
  let server: CliServer;
  beforeAll(async () => {
    server = new CliServer(await freePort(), `sqlite:${join(dir, "bin.sqlite")}`, undefined, "bin");
    await server.start(true);
  }, 120_000);
  afterAll(() => server.stop());

  it("reads an upload (the reader loads the TypeScript sources as the bin does)", async () => {
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
