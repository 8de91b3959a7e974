import { randomUUID } from "node:crypto";
import type { SubmissionJob } from "../../src/server/db/submission-writer";

/**
 * A job as POST /submissions hands it to the writer, past validation: H1's stat-3 of `period`,
 * a document without errors, due far in the future.
 */
export function candidateJob(
  tokenId: string,
  period: string,
  over: Partial<SubmissionJob> = {}
): SubmissionJob {
  const id = randomUUID();
  const receivedAt = new Date().toISOString();
  return {
    unit: "H1",
    key: randomUUID(),
    requestHash: randomUUID(),
    createdAt: receivedAt,
    tokenId,
    remoteAddr: "127.0.0.1",
    outcome: {
      candidate: {
        template: "stat-3",
        templateVersion: 1,
        period,
        chain: ["H1", "CTY", "CITY"],
        dueAt: "2099-01-01T00:00:00.000Z",
        id,
        document: "{}",
        issues: "[]",
        explained: 0,
        explanationAudits: [],
        invalid: null,
        receiptHead: JSON.stringify({ id, receivedAt }).slice(0, -1),
        auditId: randomUUID(),
        auditAt: receivedAt,
      },
    },
    ...over,
  };
}
