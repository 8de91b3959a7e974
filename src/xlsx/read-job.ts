import { parentPort } from "node:worker_threads";
import { templates } from "../templates";
import { readXlsx } from "./read";
import type { ReadJob, ReadJobAnswer } from "./read-pool";

/** Runs in a worker thread: one file at a time, with the official template pack. */
parentPort!.on("message", (job: ReadJob) => {
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
          formulaIssues: read.formulaIssues,
        }
      : read;
    parentPort!.postMessage(answer);
  });
});
