import { templates } from "../templates";
import { readXlsx } from "./read";
import type { ReadJob, ReaderMessage } from "./read-pool";

/**
 * Faults for the tests, off unless the server was started with TIANBAO_TEST_READER_FAULT=on: a
 * file that is exactly `TIANBAO-TEST-OOM` makes the reader keep arrays of doubling length (one
 * allocation larger than what is left of the heap, which V8 answers by aborting the whole
 * process, not only a worker thread); `TIANBAO-TEST-KILL` makes it die of SIGKILL, as when the
 * system ends it.
 */
function injectedFault(file: Uint8Array): void {
  if (process.env.TIANBAO_TEST_READER_FAULT !== "on" || file.byteLength > 32) return;
  const marker = Buffer.from(file.buffer, file.byteOffset, file.byteLength).toString("latin1");
  if (marker === "TIANBAO-TEST-KILL") process.kill(process.pid, "SIGKILL");
  if (marker !== "TIANBAO-TEST-OOM") return;
  const kept: number[][] = [];
  for (let n = 2 ** 20; ; n *= 2) kept.push(new Array<number>(n).fill(n));
}

async function run(job: ReadJob): Promise<ReaderMessage> {
  // Tables installed at run time come with the job; versions already known are skipped.
  for (const d of job.definitions ?? []) {
    const { id, version } = d as { id?: unknown; version?: unknown };
    if (typeof id === "string" && typeof version === "number" && templates().has(id, version))
      continue;
    try {
      templates().install(d);
    } catch {
      // The server compiled it already; a definition this reader refuses leaves the others usable.
    }
  }
  injectedFault(job.file);
  const read = await readXlsx(
    Buffer.from(job.file.buffer, job.file.byteOffset, job.file.byteLength),
    {
      templates: templates(),
      unit: job.unit,
      period: job.period,
      template: job.template,
      unitCodeByName: new Map(job.unitCodeByName),
    }
  );
  return read.ok
    ? {
        ok: true,
        doc: read.doc,
        templateId: read.template.id,
        templateVersion: read.template.version,
        readIssues: read.readIssues,
      }
    : read;
}

/** Runs in a reader process: one file at a time, with the built-in pack and the server's installed tables. */
process.on("message", (job: ReadJob) => {
  void run(job).then(
    (answer) => process.send!(answer),
    (e: unknown) =>
      process.send!({ crash: e instanceof Error ? (e.stack ?? e.message) : String(e) })
  );
});
// The server is gone (ended, or killed): nothing will ask for this reader's answers.
process.on("disconnect", () => process.exit(0));
