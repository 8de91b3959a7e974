import { EventEmitter } from "node:events";
import { layoutPlan } from "../../src/core/layout/plan";
import { templates } from "../../src/templates";
import { FairQueue } from "../../src/xlsx/fair-queue";
import {
  XlsxReadPool,
  type PoolAnswer,
  type ReaderMessage,
  type ReaderProcess,
  type ReadJob,
} from "../../src/xlsx/read-pool";
import { writeXlsx } from "../../src/xlsx/write";

const job = (unit: string, file: Uint8Array = new Uint8Array([1])): ReadJob => ({
  file,
  unit: { code: unit, name: unit },
  period: "2021-07",
  unitCodeByName: [],
});

describe("the fair queue", () => {
  it("hands out the key with the fewest running, then the one served longest ago", () => {
    const q = new FairQueue<string>(10, 100);
    for (let i = 1; i <= 3; i++) q.push("A", `A${i}`);
    q.push("B", "B1");
    q.push("B", "B2");
    q.push("C", "C1");
    // Three workers free: one file of each unit.
    expect([q.next(), q.next(), q.next()].map((n) => n!.item)).toEqual(["A1", "B1", "C1"]);
    // B's finishes: B has none running now, A still one.
    q.finished("B");
    expect(q.next()!.item).toBe("B2");
    q.finished("A");
    q.finished("C");
    expect(q.next()!.item).toBe("A2");
    expect(q.next()!.item).toBe("A3");
    expect(q.next()).toBeUndefined();
    expect(q.length).toBe(0);
  });

  it("refuses past a key's share for that key only, and past the whole bound for all", () => {
    const q = new FairQueue<number>(2, 5);
    expect([1, 2, 3].map((i) => q.push("A", i))).toEqual(["taken", "taken", "share-full"]);
    expect([1, 2].map((i) => q.push("B", i))).toEqual(["taken", "taken"]);
    expect(q.push("C", 1)).toBe("taken");
    expect(q.push("D", 1)).toBe("full");
    q.next();
    expect(q.push("D", 1)).toBe("taken");
    expect(q.drain()).toHaveLength(5);
    expect(q.length).toBe(0);
  });
});

/** A reader the test answers by hand: what it was given, in order, and a way to answer it. */
class FakeReader extends EventEmitter implements ReaderProcess {
  readonly stderr = null;
  readonly given: ReadJob[] = [];
  constructor(private readonly log: string[]) {
    super();
  }
  send(message: ReadJob): boolean {
    this.given.push(message);
    this.log.push(message.unit.code);
    return true;
  }
  kill(): boolean {
    this.emit("close", null, "SIGKILL");
    return true;
  }
  ref(): void {}
  unref(): void {}
  answer(message: ReaderMessage): void {
    this.emit("message", message);
  }
}

describe("the read pool's shares", () => {
  const WORKERS = 2;
  const PER_UNIT = 4;
  let readers: FakeReader[];
  let pool: XlsxReadPool;
  /** The unit of every job given to a reader, in the order they were started. */
  let log: string[];
  const started = () => log;
  const refusal = { ok: false, error: "unreadable-file", message: "不是统计表" } as const;

  beforeEach(() => {
    readers = [];
    log = [];
    pool = new XlsxReadPool(templates(), {
      workers: WORKERS,
      queuePerUnit: PER_UNIT,
      queue: 64,
      spawn: () => {
        const r = new FakeReader(log);
        readers.push(r);
        return r;
      },
    });
  });
  afterEach(() => pool.close());

  it("unit A sends 20 at once: A is refused past its share; B's one file starts when one of A's ends", async () => {
    const answers: Promise<PoolAnswer>[] = [];
    for (let i = 0; i < 20; i++) answers.push(pool.read(job("A")));
    // The refusals are answered at once; A's running and waiting files are not.
    const settled: PoolAnswer[] = [];
    answers.forEach((a) => void a.then((x) => settled.push(x)));
    await new Promise((r) => setImmediate(r));
    expect(settled).toHaveLength(20 - WORKERS - PER_UNIT);
    for (const a of settled)
      expect(a).toEqual({
        ok: false,
        error: "busy",
        message: "您单位已有多份文件在等待读取，请等这些文件读完后再上传",
      });
    expect(started()).toEqual(["A", "A"]);

    const b = pool.read(job("B"));
    expect(started()).toEqual(["A", "A"]);
    // One of A's files ends: the reader it frees takes B's, not A's third.
    readers[0]!.answer(refusal);
    expect(started()).toEqual(["A", "A", "B"]);
    // Then A's waiting files, one a freed reader.
    readers[1]!.answer(refusal);
    expect(started()).toEqual(["A", "A", "B", "A"]);
    readers[0]!.answer(refusal);
    expect(await b).toEqual(refusal);
    expect(started()).toEqual(["A", "A", "B", "A", "A"]);
    expect(readers).toHaveLength(WORKERS);
  });

  it("a unit past its share is refused; another unit is taken meanwhile", async () => {
    for (let i = 0; i < WORKERS + PER_UNIT; i++) void pool.read(job("A"));
    expect(await pool.read(job("A"))).toMatchObject({ ok: false, error: "busy" });
    const b = pool.read(job("B"));
    expect(started()).toEqual(["A", "A"]);
    readers[1]!.answer(refusal);
    expect(started()).toEqual(["A", "A", "B"]);
    readers[1]!.answer(refusal);
    expect(await b).toEqual(refusal);
  });

  it("a reader that dies is replaced: its file is answered, the next file goes to a new reader", async () => {
    const first = pool.read(job("A"));
    const second = pool.read(job("A"));
    readers[0]!.emit("close", null, "SIGKILL");
    expect(await first).toMatchObject({ ok: false, error: "reader-failed" });
    // The second reader is still busy: a third file is given to a new one.
    const third = pool.read(job("A"));
    expect(readers).toHaveLength(3);
    expect(readers.map((r) => r.given.length)).toEqual([1, 1, 1]);
    readers[1]!.answer(refusal);
    readers[2]!.answer(refusal);
    expect([await second, await third]).toEqual([refusal, refusal]);
  });
});

describe("reader processes", () => {
  const blank = async () =>
    writeXlsx(layoutPlan(templates().get("stat-3")!, { period: "2021-07", tier: "public.g2" }));

  it("a reader out of memory (an allocation that aborts a whole process) costs its file a 422; the next file is read", async () => {
    process.env.TIANBAO_TEST_READER_FAULT = "on";
    const pool = new XlsxReadPool(templates(), { workers: 1, heapMb: 64 });
    try {
      expect(await pool.read(job("A", Buffer.from("TIANBAO-TEST-OOM")))).toEqual({
        ok: false,
        error: "unreadable-file",
        message: "文件过大，读取时超出了内存限制，一张统计表不需要这么大",
      });
      expect(pool.readers).toBe(0);
      const next = await pool.read(job("A", await blank()));
      expect(next.ok && next.template.id).toBe("stat-3");
      expect(pool.readers).toBe(1);
    } finally {
      delete process.env.TIANBAO_TEST_READER_FAULT;
      await pool.close();
    }
  }, 60_000);

  it("a reader killed for another cause: 503-worthy reader-failed, not a 500; the next file is read", async () => {
    process.env.TIANBAO_TEST_READER_FAULT = "on";
    const pool = new XlsxReadPool(templates(), { workers: 1 });
    try {
      expect(await pool.read(job("A", Buffer.from("TIANBAO-TEST-KILL")))).toEqual({
        ok: false,
        error: "reader-failed",
        message: "读取文件的进程意外退出，文件未读取，请稍后重新上传",
      });
      expect(pool.readers).toBe(0);
      const next = await pool.read(job("A", await blank()));
      expect(next.ok && next.template.id).toBe("stat-3");
    } finally {
      delete process.env.TIANBAO_TEST_READER_FAULT;
      await pool.close();
    }
  }, 60_000);
});
