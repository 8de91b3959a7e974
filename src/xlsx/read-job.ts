import { parentPort } from "node:worker_threads";
import { templates } from "../templates";
import { readXlsx } from "./read";
import type { ReadJob, ReadJobAnswer } from "./read-pool";

/** Runs in a worker thread: one file at a time, with the built-in pack and the server's installed tables. */
parentPort!.on("message", (job: ReadJob) => {
  // Tables installed at run time come with the job; versions already known are skipped.
  for (const d of job.definitions ?? []) {
    const { id, version } = d as { id?: unknown; version?: unknown };
    if (typeof id === "string" && typeof version === "number" && templates().has(id, version))
      continue;
    try {
      templates().install(d);
    } catch {
      // The server compiled it already; a definition this thread refuses leaves the others usable.
    }
  }
  void readXlsx(Buffer.from(job.file.buffer, job.file.byteOffset, job.file.byteLength), {
    templates: templates(),
    unit: job.unit,
    period: job.period,
    template: job.template,
    unitCodeByName: new Map(job.unitCodeByName),
  }).then((read) => {
    const answer: ReadJobAnswer = read.ok
      ? {
          ok: true,
          doc: read.doc,
          templateId: read.template.id,
          templateVersion: read.template.version,
          readIssues: read.readIssues,
        }
      : read;
    parentPort!.postMessage(answer);
  });
});
