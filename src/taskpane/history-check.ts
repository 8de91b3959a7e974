import { ApiError } from "../client/api";
import type { Issue, SheetDocument } from "../core/schema/document";
import type { Phase } from "../core/validate/engine";
import type { LiveSheet } from "../excel/live";

/** How long the sheet must rest after an edit before the server is asked again. */
export const HISTORY_CHECK_DELAY_MS = 1000;

/** Where the wait after an edit is kept (the tests hold it in hand instead of in a clock). */
export interface Delay {
  start(fn: () => void, ms: number): unknown;
  cancel(handle: unknown): void;
}

const clock: Delay = {
  start: (fn, ms) => setTimeout(fn, ms),
  cancel: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export type HistoryCheckState =
  /** Nothing to compare: not signed in as the sheet's unit, or a table without history. */
  | { kind: "off" }
  | { kind: "pending" }
  | { kind: "done" }
  /** The server could not be asked or refused: the history comparison was not made. */
  | { kind: "failed"; offline: boolean };

/**
 * The comparison of a bound sheet with the unit's own stored history (history.outlier), which only
 * the server can make (docs/review.md: the add-in gets it from /validate when signed in). The document
 * comes from the pane's shadow model, so asking costs no Excel round trip; the server is asked when
 * the sheet has rested after an edit, or at once at 校验. An answer for a sheet that has changed
 * since, or overtaken by a later question, is dropped: the list never shows a verdict on figures
 * that are no longer there.
 */
export class HistoryCheck {
  private timer: unknown = null;
  private asked = 0;
  /** What the held answer (or the question in flight) is about. */
  private about: { version: number; phase: Phase } | null = null;
  private current: HistoryCheckState;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: () => void;
  private stopped = false;

  constructor(
    private readonly live: LiveSheet,
    private readonly validate: ((doc: SheetDocument, phase: Phase) => Promise<Issue[]>) | null,
    private phase: Phase,
    private readonly delay: Delay = clock
  ) {
    this.current = this.enabled ? { kind: "pending" } : { kind: "off" };
    this.unsubscribe = live.subscribe(() => this.sheetChanged());
    if (this.enabled) this.ask();
  }

  private get enabled(): boolean {
    return !!this.validate && this.live.template.def.cumulative;
  }

  get state(): HistoryCheckState {
    return this.current;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The list's phase changed (校验 was pressed): asked at once in that phase. */
  setPhase(phase: Phase): void {
    if (phase === this.phase) return;
    this.phase = phase;
    this.ask();
  }

  /** 校验: asked at once, unless the answer held is about these very figures. */
  checkNow(phase: Phase): void {
    this.phase = phase;
    this.ask();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.delay.cancel(this.timer);
    this.unsubscribe();
    this.listeners.clear();
  }

  private set(state: HistoryCheckState): void {
    this.current = state;
    for (const fn of this.listeners) fn();
  }

  private sheetChanged(): void {
    if (!this.enabled || this.stopped) return;
    const version = this.live.model.version;
    if (this.about?.version === version) return;
    if (this.timer !== null) this.delay.cancel(this.timer);
    this.timer = this.delay.start(() => this.ask(), HISTORY_CHECK_DELAY_MS);
  }

  private ask(): void {
    if (!this.enabled || this.stopped) return;
    if (this.timer !== null) this.delay.cancel(this.timer);
    this.timer = null;
    const version = this.live.model.version;
    const phase = this.phase;
    if (
      this.about?.version === version &&
      this.about.phase === phase &&
      this.current.kind !== "failed"
    )
      return;
    const n = ++this.asked;
    this.about = { version, phase };
    this.set({ kind: "pending" });
    this.validate!(this.live.model.document(), phase).then(
      (issues) => {
        if (this.stopped || n !== this.asked || this.live.model.version !== version) return;
        this.live.setServerIssues(issues);
        this.set({ kind: "done" });
      },
      (e: unknown) => {
        if (this.stopped || n !== this.asked) return;
        this.about = null;
        this.set({
          kind: "failed",
          offline: e instanceof ApiError && e.failure.kind === "offline",
        });
      }
    );
  }
}
