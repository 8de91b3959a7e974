import { useCallback, useEffect, useState } from "react";
import type { LockState, StatusEntry } from "../../core/schema/api";
import { ApiError, type ApiClient } from "../../client/api";

const isForbidden = (e: unknown): boolean =>
  e instanceof ApiError && e.failure.kind === "http" && e.failure.status === 403;

export interface ReviewView {
  /** The report's own status entry (state, reason, version), null until read or if unreadable. */
  entry: StatusEntry | null;
  lock: LockState | null;
  loading: boolean;
  /** Neither the state nor the lock could be read. */
  failed: boolean;
  /**
   * The server does not let this token read the report's state (GET /status answers collectors
   * only): the state is not shown rather than shown as unknown.
   */
  stateForbidden: boolean;
  refresh: () => void;
}

/**
 * The review state and the lock of one report (unit, table, month), read when the sheet is shown
 * and whenever `stamp` changes (a new receipt), so the lock is there before anything is typed.
 * The two reads are independent: a lock is worth showing even if the state cannot be read.
 */
export function useReview(
  client: ApiClient | null,
  report: { unit: string | undefined; template: string; period: string },
  stamp: unknown
): ReviewView {
  const [entry, setEntry] = useState<StatusEntry | null>(null);
  const [lock, setLock] = useState<LockState | null>(null);
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState(false);
  const [stateForbidden, setStateForbidden] = useState(false);
  const [tick, setTick] = useState(0);
  const { unit, template, period } = report;

  useEffect(() => {
    if (!client || !unit) return;
    let live = true;
    setLoading(true);
    void Promise.allSettled([
      client.status(template, period, unit),
      client.getLock(unit, template, period),
    ]).then(([status, locked]) => {
      if (!live) return;
      const own = status.status === "fulfilled" ? status.value : null;
      setEntry(own?.entries.find((e) => e.unit === unit) ?? null);
      setLock(locked.status === "fulfilled" ? locked.value : (own?.lock ?? null));
      setFailed(status.status === "rejected" && locked.status === "rejected");
      setStateForbidden(status.status === "rejected" && isForbidden(status.reason));
      setLoading(false);
    });
    return () => {
      live = false;
    };
  }, [client, unit, template, period, stamp, tick]);

  const refresh = useCallback(() => setTick((n) => n + 1), []);
  return { entry, lock, loading, failed, stateForbidden, refresh };
}
