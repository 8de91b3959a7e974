import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import type { Locale } from "../core/i18n";
import { WorkbookSession } from "../excel/session";
import { packTemplates } from "../client/template-pack";
import { wpsHost } from "../wps/detect";

export type SessionState =
  | { status: "opening" }
  | { status: "ready"; session: WorkbookSession }
  | { status: "failed"; message: string };

/** Opens the workbook session once; `retry` opens it again after a failure. */
export function useWorkbookSession(locale: Locale): { state: SessionState; retry: () => void } {
  const [state, setState] = useState<SessionState>({ status: "opening" });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    let opened: WorkbookSession | null = null;
    setState({ status: "opening" });
    // Inside WPS 表格 the workbook is WPS's; anywhere else it is Excel's, through Office.js.
    WorkbookSession.open(packTemplates(), locale, wpsHost() ?? undefined).then(
      (session) => {
        // A session that arrives after its effect was cleaned up stops listening at once.
        if (!live) return void session.close();
        opened = session;
        setState({ status: "ready", session });
      },
      (e: unknown) => live && setState({ status: "failed", message: (e as Error).message })
    );
    return () => {
      live = false;
      // A retry, a new language or the pane closing: this session's handlers leave Excel.
      void opened?.close();
    };
  }, [locale, attempt]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { state, retry };
}

/** Re-renders whenever the session's sheets or models change (a typed cell, an insertion). */
export function useSessionVersion(session: WorkbookSession): number {
  const [store] = useState(() => {
    let version = 0;
    return {
      subscribe: (fn: () => void) =>
        session.subscribe(() => {
          version++;
          fn();
        }),
      get: () => version,
    };
  });
  return useSyncExternalStore(store.subscribe, store.get);
}
