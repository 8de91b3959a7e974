import { useEffect, useReducer, useState } from "react";
import type { ApiClient } from "../client/api";
import type { Phase } from "../core/validate/engine";
import type { LiveSheet } from "../excel/live";
import { HistoryCheck } from "./history-check";

/** The server's comparison of a bound sheet with its unit's history, for as long as it is shown. */
export function useHistoryCheck(
  live: LiveSheet,
  client: ApiClient | null,
  phase: Phase
): HistoryCheck | null {
  const [check, setCheck] = useState<HistoryCheck | null>(null);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    const c = new HistoryCheck(live, client ? (doc, p) => client.validate(doc, p) : null, phase);
    const off = c.subscribe(rerender);
    setCheck(c);
    return () => {
      off();
      c.stop();
    };
    // The phase is followed below; a new check only for another sheet or connection.
  }, [live, client]);
  useEffect(() => check?.setPhase(phase), [check, phase]);
  return check;
}
