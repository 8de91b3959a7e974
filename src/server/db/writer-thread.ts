import SQLite from "better-sqlite3";
import { parentPort, workerData } from "node:worker_threads";
import { groupTransaction } from "./group-commit";
import { sqliteStoreStep, type SubmissionJob } from "./store-step";
import { codeOf } from "../storage-errors";
import type { ThreadAnswer } from "./writer-pool";

/**
 * Runs in the writer thread: the store step of SQLite's submissions on a connection of its own,
 * one group per message, each group one transaction. Its pragmas are openStore's, so a COMMIT is
 * as durable (synchronous=FULL) and waits for a lock as long.
 */
const data = workerData as { file: string; chainKey: string };
const sqlite = new SQLite(data.file, { fileMustExist: true });
sqlite.pragma("journal_mode = WAL");
sqlite.pragma("synchronous = FULL");
sqlite.pragma("busy_timeout = 5000");
sqlite.pragma("foreign_keys = ON");
const step = sqliteStoreStep(sqlite, Buffer.from(data.chainKey, "hex"));
const commit = groupTransaction(sqlite, step.storeOne, step.hooks);

parentPort!.on("message", (message: readonly SubmissionJob[] | "close") => {
  if (message === "close") {
    sqlite.close();
    parentPort!.close();
    return;
  }
  let answer: ThreadAnswer;
  try {
    answer = {
      outcomes: commit(message).map((o) =>
        o.ok
          ? // The JSON text crosses to the main thread, which sends it as it is.
            { ok: true, status: o.value.status, json: o.value.json ?? JSON.stringify(o.value.body) }
          : {
              ok: false,
              message: (o.error as Error)?.message ?? String(o.error),
              code: codeOf(o.error),
            }
      ),
    };
  } catch (e) {
    answer = { failed: (e as Error)?.message ?? String(e), code: codeOf(e) };
  }
  parentPort!.postMessage(answer);
});
