import { fork } from "node:child_process";
import type { EventEmitter } from "node:events";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { Issue, SheetDocument } from "../core/schema/document";
import type { TemplateRegistry } from "../core/template/registry";
import { FairQueue } from "./fair-queue";
import { unreadable, type ReadFailure, type ReadResult } from "./read";

/**
 * Parses uploaded .xlsx files off the event loop, in a few reader processes, each with its own
 * heap limit. Processes, not worker threads: V8 answers some allocations beyond a heap's limit
 * (one array or hash table larger than what is left) by aborting the whole process, worker
 * thread or not, so only a process of its own keeps a file's out-of-memory from the server.
 * A reader that dies costs its file an answer (422, or 503 when the cause is not the file's
 * memory) and is replaced for the next one. Each unit has its own share of the queue.
 */
export interface ReadJob {
  file: Uint8Array;
  unit: { code: string; name: string };
  period: string;
  template?: string;
  unitCodeByName: [string, string][];
  /** The tables installed on the server (the reader starts with the built-in pack only). */
  definitions?: unknown[];
}

export type ReadJobAnswer =
  | {
      ok: true;
      doc: SheetDocument;
      templateId: string;
      templateVersion: number;
      readIssues: Issue[];
    }
  | ReadFailure;

/** What a reader sends back: an answer, or the error our code threw (a bug, not the file's). */
export type ReaderMessage = ReadJobAnswer | { crash: string };

export type PoolFailure =
  | { ok: false; error: "busy"; message: string }
  | { ok: false; error: "reader-failed"; message: string };

export type PoolAnswer = ReadResult | PoolFailure;

/** The part of a child process the pool uses (a test gives a fake one). */
export interface ReaderProcess extends EventEmitter {
  send(message: ReadJob, callback?: (error: Error | null) => void): boolean;
  kill(signal?: NodeJS.Signals): boolean;
  ref(): void;
  unref(): void;
  readonly stderr: Readable | null;
  readonly channel?: { ref(): void; unref(): void } | null;
}

export interface ReadPoolOptions {
  /** Reader processes at most. */
  workers: number;
  /** Files one unit may have waiting for a reader; one more is refused as busy (429). */
  queuePerUnit: number;
  /** Files all units together may have waiting: a bound on memory, reached only by many units. */
  queue: number;
  /** Each reader's old-generation heap; a file that needs more fails alone. */
  heapMb: number;
  /** A file that takes longer is given up and its reader replaced. */
  timeoutMs: number;
  /** How a reader is started (tests start fakes); a Node process running read-worker.cjs by default. */
  spawn?: (options: ReadPoolOptions) => ReaderProcess;
}

export const READ_POOL_DEFAULTS: ReadPoolOptions = {
  workers: 2,
  queuePerUnit: 4,
  queue: 32,
  heapMb: 192,
  timeoutMs: 60_000,
};

const ENTRY = join(__dirname, "read-worker.cjs");

function forkReader(options: ReadPoolOptions): ReaderProcess {
  return fork(ENTRY, [], {
    // Its own flags only: the server's (--import tsx, a heap size) are not the reader's.
    execArgv: [`--max-old-space-size=${options.heapMb}`],
    // Structured clone carries the file's bytes as bytes, not as JSON numbers.
    serialization: "advanced",
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    env: process.env,
  });
}

const OUT_OF_MEMORY = unreadable("文件过大，读取时超出了内存限制，一张统计表不需要这么大");
const TIMED_OUT = unreadable("文件处理超时，请检查文件是否为一张正常的统计表");
const READER_FAILED: PoolFailure = {
  ok: false,
  error: "reader-failed",
  message: "读取文件的进程意外退出，文件未读取，请稍后重新上传",
};
/** What V8 prints before it aborts for want of heap. */
const OOM_REPORT = /heap out of memory|Allocation failed/;
const STDERR_KEPT = 8192;

interface Pending {
  key: string;
  job: ReadJob;
  resolve: (a: ReadJobAnswer | PoolFailure) => void;
  reject: (e: Error) => void;
}

interface Slot {
  reader: ReaderProcess;
  current: Pending | null;
  timer?: NodeJS.Timeout;
  /** The answer for its file when the reader is ended for it (too slow). */
  ending?: ReadFailure;
  /** The end of what it wrote on stderr: how it died. */
  stderr: string;
  gone: boolean;
}

/** Each app's pool, by the registry it reads with (its /metrics reports the queue). */
const pools = new WeakMap<TemplateRegistry, XlsxReadPool>();
export const readPoolOf = (templates: TemplateRegistry): XlsxReadPool | undefined =>
  pools.get(templates);

export class XlsxReadPool {
  private readonly slots: Slot[] = [];
  private readonly queue: FairQueue<Pending>;
  private readonly options: ReadPoolOptions;
  private closed = false;

  constructor(
    private readonly templates: TemplateRegistry,
    options: Partial<ReadPoolOptions> = {}
  ) {
    this.options = { ...READ_POOL_DEFAULTS, ...options };
    this.queue = new FairQueue(this.options.queuePerUnit, this.options.queue);
    pools.set(templates, this);
  }

  /** Readers running now (each a process). */
  get readers(): number {
    return this.slots.length;
  }

  /** Files waiting for a reader. */
  get queued(): number {
    return this.queue.length;
  }

  /** Readers reading a file now. */
  get busy(): number {
    return this.slots.filter((s) => s.current).length;
  }

  async read(job: ReadJob): Promise<PoolAnswer> {
    const answer = await new Promise<ReadJobAnswer | PoolFailure>((resolve, reject) => {
      const definitions = this.templates.all().map((t) => t.def);
      const key = job.unit.code;
      const taken = this.closed
        ? "full"
        : this.queue.push(key, { key, job: { ...job, definitions }, resolve, reject });
      if (taken !== "taken")
        return resolve({
          ok: false,
          error: "busy",
          message:
            taken === "share-full"
              ? "您单位已有多份文件在等待读取，请等这些文件读完后再上传"
              : "服务器正在处理较多文件，请稍后再上传",
        });
      this.pump();
    });
    if (!answer.ok) return answer;
    const template =
      this.templates.get(answer.templateId, answer.templateVersion) ??
      this.templates.get(answer.templateId);
    if (!template) throw new Error(`the reader read an unknown template ${answer.templateId}`);
    return { ok: true, doc: answer.doc, template, readIssues: answer.readIssues };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.drain())
      p.resolve({ ok: false, error: "busy", message: "服务器正在停止，请稍后再上传" });
    await Promise.all(
      this.slots.splice(0).map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.gone) return resolve();
            s.reader.once("close", () => resolve());
            s.reader.kill("SIGKILL");
          })
      )
    );
  }

  private pump(): void {
    while (this.queue.length && !this.closed) {
      let slot = this.slots.find((s) => !s.current && !s.gone);
      if (!slot && this.slots.length < this.options.workers) slot = this.spawn();
      if (!slot) return;
      const next = this.queue.next()!.item;
      const s = slot;
      s.current = next;
      s.timer = setTimeout(() => {
        s.ending = TIMED_OUT;
        s.reader.kill("SIGKILL");
      }, this.options.timeoutMs);
      s.reader.ref();
      s.reader.channel?.ref();
      s.reader.send(next.job, (e) => {
        if (e) s.reader.kill("SIGKILL");
      });
    }
  }

  /** The job's end: its unit's share is free again, and the next waiting file may start. */
  private settle(slot: Slot): Pending | null {
    const p = slot.current;
    clearTimeout(slot.timer);
    slot.current = null;
    slot.ending = undefined;
    if (p) this.queue.finished(p.key);
    return p;
  }

  private spawn(): Slot {
    const reader = (this.options.spawn ?? forkReader)(this.options);
    const slot: Slot = { reader, current: null, stderr: "", gone: false };
    reader.unref();
    reader.channel?.unref();
    reader.stderr?.on("data", (b: Buffer) => {
      slot.stderr = (slot.stderr + b.toString()).slice(-STDERR_KEPT);
    });
    reader.on("message", (message: ReaderMessage) => {
      const p = this.settle(slot);
      reader.unref();
      reader.channel?.unref();
      if ("crash" in message) p?.reject(new Error(`the xlsx reader failed: ${message.crash}`));
      else p?.resolve(message);
      this.pump();
    });
    const ended = (): void => {
      if (slot.gone) return;
      slot.gone = true;
      const at = this.slots.indexOf(slot);
      if (at >= 0) this.slots.splice(at, 1);
      const timedOut = slot.ending;
      const p = this.settle(slot);
      if (p) p.resolve(timedOut ?? (OOM_REPORT.test(slot.stderr) ? OUT_OF_MEMORY : READER_FAILED));
      this.pump();
    };
    // 'close', not 'exit': stderr is read to its end by then, V8's report of the heap included.
    reader.on("close", ended);
    // A reader that could not be started, or no longer takes messages.
    reader.on("error", () => {
      if (slot.gone) return;
      ended();
      reader.kill("SIGKILL");
    });
    this.slots.push(slot);
    return slot;
  }
}
