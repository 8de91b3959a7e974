import { resolve } from "node:path";
import { Worker } from "node:worker_threads";
import type { Outcome } from "./group-commit";
import { jsonReply, type Reply, type SubmissionJob } from "./store-step";

/** What the writer thread answers for one group: each job's outcome, or why the group failed. */
export type ThreadAnswer =
  | {
      outcomes: (
        { ok: true; status: number; json: string } | { ok: false; message: string; code?: string }
      )[];
    }
  | { failed: string; code?: string };

/** An error of the thread as the main thread sees it: its message and SQLite's code (SQLITE_FULL). */
export function threadError(message: string, code: string | undefined): Error {
  return code === undefined ? new Error(message) : Object.assign(new Error(message), { code });
}

const ENTRY = resolve(__dirname, "writer-worker.cjs");

/**
 * The thread that commits SQLite's groups of submissions (writer-thread.ts), started at the first
 * group. Groups are answered in the order they were sent; a thread that dies fails the groups it
 * held (their callers get a 500 and retry under the same key) and the next group starts another.
 */
export function writerThread(
  file: string,
  chainKey: Buffer
): {
  commit(jobs: readonly SubmissionJob[]): Promise<Outcome<Reply>[]>;
  /** Starts the thread now rather than at the first group (a server about to listen). */
  start(): void;
  close(): Promise<void>;
} {
  let worker: Worker | null = null;
  const waiting: { resolve: (o: Outcome<Reply>[]) => void; reject: (e: unknown) => void }[] = [];

  const failAll = (error: Error): void => {
    worker = null;
    for (const w of waiting.splice(0)) w.reject(error);
  };
  const start = (): Worker => {
    const w = new Worker(ENTRY, {
      workerData: { file: resolve(file), chainKey: chainKey.toString("hex") },
    });
    w.unref();
    w.on("message", (answer: ThreadAnswer) => {
      const next = waiting.shift();
      if (!waiting.length) w.unref();
      if (!next) return;
      if ("failed" in answer) return next.reject(threadError(answer.failed, answer.code));
      next.resolve(
        answer.outcomes.map((o) =>
          o.ok
            ? { ok: true, value: jsonReply(o.status, o.json) }
            : { ok: false, error: threadError(o.message, o.code) }
        )
      );
    });
    w.on("error", (e) => {
      if (worker === w) failAll(e);
    });
    w.on("exit", (code) => {
      if (worker === w) failAll(new Error(`the SQLite writer thread stopped (exit ${code})`));
    });
    return w;
  };

  return {
    start: () => void (worker ??= start()),
    commit: (jobs) =>
      new Promise((resolve, reject) => {
        worker ??= start();
        waiting.push({ resolve, reject });
        // While a group is out, the process waits for its answer.
        worker.ref();
        worker.postMessage(jobs);
      }),
    close: async () => {
      const w = worker;
      worker = null;
      if (!w) return;
      const exited = new Promise<void>((resolve) => w.once("exit", () => resolve()));
      w.postMessage("close");
      await exited;
    },
  };
}
