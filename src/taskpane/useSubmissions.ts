import { useCallback, useEffect, useRef, useState } from "react";
import { describeFailure } from "../client/failure";
import { newIdempotencyKey, type FlushResult, type Pending } from "../client/queue";
import type { Locale } from "../core/i18n";
import type { SheetDocument } from "../core/schema/document";
import type { LiveSheet } from "../excel/live";
import type { WorkbookSession } from "../excel/session";
import { submissionQueue, type Connection } from "./connection";
import type { Strings } from "./strings";

const RETRY_EVERY_MS = 15_000;

/**
 * Submitting: the sheet is read and checked, then the document goes into the durable queue with
 * a fresh idempotency key before it is sent, so a closed pane or a dropped network loses nothing
 * and a retry never makes a second version. While the pane is open the queue is retried.
 */
export function useSubmissions(opts: {
  session: WorkbookSession;
  connection: Connection | null;
  locale: Locale;
  t: Strings;
  notify: (intent: "success" | "error" | "warning", text: string) => void;
}): {
  pending: readonly Pending[];
  busy: boolean;
  /** `confirm` is asked with the checked document before it is queued; false sends nothing. */
  submit: (live: LiveSheet, confirm?: (doc: SheetDocument) => Promise<boolean>) => Promise<void>;
  retry: () => void;
} {
  const { session, connection, locale, t, notify } = opts;
  const queue = submissionQueue();
  const [pending, setPending] = useState<readonly Pending[]>(() => queue.list());
  const [busy, setBusy] = useState(false);
  const notifyRef = useRef(notify);
  notifyRef.current = notify;

  const handle = useCallback(
    async (results: FlushResult[]): Promise<void> => {
      for (const r of results) {
        if (r.ok) {
          await session.saveReceipt(r.entry.bindingId, r.receipt);
          notifyRef.current("success", t.submitted(r.receipt.version));
        } else if (r.final) {
          const f = r.error.failure;
          const live = session.sheets().find((x) => x.binding.id === r.entry.bindingId);
          if (live && f.kind === "http" && f.body.issues) live.setServerIssues(f.body.issues);
          notifyRef.current("error", describeFailure(r.error, locale, "queued"));
        }
      }
      setPending([...queue.list()]);
    },
    [session, queue, locale, t]
  );

  // One run at a time, each telling what it sent. The queue hands a run in flight to a second
  // caller; were two callers to handle those results, the clerk would read every answer twice
  // (the retry timer firing while 报送 waits for the server).
  const tail = useRef<Promise<unknown>>(Promise.resolve());
  const runs = useRef(0);
  const flush = useCallback(
    (force: boolean): Promise<FlushResult[]> => {
      if (!connection) return Promise.resolve([]);
      // The background retry has nothing to add to a run already started or waiting.
      if (!force && runs.current > 0) return Promise.resolve([]);
      runs.current += 1;
      setBusy(true);
      const run = tail.current.then(async () => {
        try {
          const results = await queue.flush(connection.client, force);
          await handle(results);
          return results;
        } finally {
          runs.current -= 1;
          if (!runs.current) setBusy(false);
        }
      });
      tail.current = run.catch(() => undefined);
      return run;
    },
    [connection, queue, handle]
  );

  useEffect(() => {
    if (!connection) return;
    void flush(false);
    const timer = setInterval(() => void flush(false), RETRY_EVERY_MS);
    return () => clearInterval(timer);
  }, [connection, flush]);

  const submit = useCallback(
    async (live: LiveSheet, confirm?: (doc: SheetDocument) => Promise<boolean>): Promise<void> => {
      if (!connection) return;
      if (live.binding.unit?.code !== connection.me.unit?.code) {
        notifyRef.current("error", t.wrongUnit);
        return;
      }
      try {
        const prepared = await session.prepareSubmission(live.sheetId);
        if (prepared.errors.length) {
          notifyRef.current("error", t.submitRefused(prepared.errors.length));
          return;
        }
        if (confirm && !(await confirm(prepared.doc))) return;
        const key = newIdempotencyKey();
        queue.add({ key, doc: prepared.doc, bindingId: live.binding.id });
        setPending([...queue.list()]);
        const results = await flush(true);
        const mine = results.find((r) => r.entry.key === key);
        if (mine && !mine.ok && !mine.final)
          notifyRef.current("warning", describeFailure(mine.error, locale, "queued"));
      } catch (e) {
        notifyRef.current("error", describeFailure(e, locale));
      }
    },
    [connection, session, queue, flush, locale, t]
  );

  return { pending, busy, submit, retry: () => void flush(true) };
}
