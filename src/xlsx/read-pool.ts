import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { Issue, SheetDocument } from "../core/schema/document";
import type { TemplateRegistry } from "../core/template/registry";
import { unreadable, type ReadFailure, type ReadResult } from "./read";

/**
 * Parses uploaded .xlsx files off the event loop: a few worker threads, each with its own heap
 * limit, fed from a bounded queue. A 100,000-row file or a hostile one costs a worker's time and
 * at most its heap, never the requests the server is answering meanwhile.
 */
export interface ReadJob {
  file: Uint8Array;
  unit: { code: string; name: string };
  period: string;
  template?: string;
  unitCodeByName: [string, string][];
  /** The tables installed on the server (the thread starts with the built-in pack only). */
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

export type PoolAnswer = ReadResult | { ok: false; error: "busy"; message: string };

export interface ReadPoolOptions {
  workers: number;
  /** Files waiting for a worker; one more is refused as busy (429) rather than held. */
  queue: number;
  /** Each worker's old-generation heap; a file that needs more fails alone. */
  heapMb: number;
  /** A file that takes longer is given up and its worker replaced. */
  timeoutMs: number;
}

export const READ_POOL_DEFAULTS: ReadPoolOptions = {
  workers: 2,
  queue: 16,
  heapMb: 192,
  timeoutMs: 60_000,
};

const ENTRY = join(__dirname, "read-worker.cjs");

interface Pending {
  job: ReadJob;
  resolve: (a: ReadJobAnswer) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  current: Pending | null;
  timer?: NodeJS.Timeout;
  /** The answer for its file when the worker is ended for it (out of memory, too slow). */
  ending?: ReadFailure;
  /** A failure of ours (a bug), not of the file. */
  crash?: Error;
}

/** Each app's pool, by the registry it reads with (its /metrics reports the queue). */
const pools = new WeakMap<TemplateRegistry, XlsxReadPool>();
export const readPoolOf = (templates: TemplateRegistry): XlsxReadPool | undefined =>
  pools.get(templates);

export class XlsxReadPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Pending[] = [];
  private closed = false;

  constructor(
    private readonly templates: TemplateRegistry,
    private readonly options: ReadPoolOptions = READ_POOL_DEFAULTS
  ) {
    pools.set(templates, this);
  }

  /** Files waiting for a worker. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Workers reading a file now. */
  get busy(): number {
    return this.slots.filter((s) => s.current).length;
  }

  async read(job: ReadJob): Promise<PoolAnswer> {
    if (this.waiting.length >= this.options.queue || this.closed)
      return {
        ok: false,
        error: "busy",
        message: "服务器正在处理较多文件，请稍后再上传",
      };
    const answer = await new Promise<ReadJobAnswer>((resolve, reject) => {
      const definitions = this.templates.all().map((t) => t.def);
      this.waiting.push({ job: { ...job, definitions }, resolve, reject });
      this.pump();
    });
    if (!answer.ok) return answer;
    const template =
      this.templates.get(answer.templateId, answer.templateVersion) ??
      this.templates.get(answer.templateId);
    if (!template) throw new Error(`the worker read an unknown template ${answer.templateId}`);
    return { ok: true, doc: answer.doc, template, readIssues: answer.readIssues };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private pump(): void {
    while (this.waiting.length) {
      let slot = this.slots.find((s) => !s.current);
      if (!slot && this.slots.length < this.options.workers) slot = this.spawn();
      if (!slot) return;
      const next = this.waiting.shift()!;
      slot.current = next;
      slot.timer = setTimeout(() => {
        slot!.ending = unreadable("文件处理超时，请检查文件是否为一张正常的统计表");
        void slot!.worker.terminate();
      }, this.options.timeoutMs);
      slot.worker.ref();
      slot.worker.postMessage(next.job);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(ENTRY, {
      resourceLimits: { maxOldGenerationSizeMb: this.options.heapMb },
      stdout: false,
      stderr: false,
    });
    const slot: Slot = { worker, current: null };
    worker.unref();
    worker.on("message", (answer: ReadJobAnswer) => {
      const p = slot.current;
      clearTimeout(slot.timer);
      slot.current = null;
      worker.unref();
      p?.resolve(answer);
      this.pump();
    });
    worker.on("error", (e: Error & { code?: string }) => {
      if (e.code === "ERR_WORKER_OUT_OF_MEMORY")
        slot.ending ??= unreadable("文件过大，读取时超出了内存限制，一张统计表不需要这么大");
      else slot.crash = e;
    });
    worker.on("exit", () => {
      this.slots.splice(this.slots.indexOf(slot), 1);
      clearTimeout(slot.timer);
      const p = slot.current;
      slot.current = null;
      if (p && slot.ending) p.resolve(slot.ending);
      else p?.reject(slot.crash ?? new Error("the xlsx worker stopped"));
      if (!this.closed) this.pump();
    });
    this.slots.push(slot);
    return slot;
  }
}
