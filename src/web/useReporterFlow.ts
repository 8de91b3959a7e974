import { useEffect, useMemo, useReducer, useState } from "react";
import type { ApiClient } from "../client/api";
import { describeFailure, fileMismatchOf } from "../client/failure";
import { RetryKey } from "../client/retry-key";
import { useTemplates } from "../client/use-template-pack";
import type { Locale } from "../core/i18n";
import { defaultPeriod, dueDate, dueInstant } from "../core/periods";
import type { FileFacts, FileMismatch, Me, Receipt } from "../core/schema/api";
import type { Issue, SheetDocument } from "../core/schema/document";
import { countChanges } from "../core/sheet/diff";
import type { CompiledTemplate } from "../core/template/compile";
import { reportTitle } from "../core/template/labels";
import { explanationKey } from "../core/validate/explanations";
import { REVIEW_STRINGS } from "../ui/review/reviewStrings";
import { useReview, type ReviewView } from "../ui/review/useReview";
import { save } from "./download";
import { withTypedExplanations, type ExplanationTexts } from "./UploadResult";

/** A file the server read and checked (nothing stored yet). */
export interface Upload {
  file: File;
  doc: SheetDocument;
  issues: (Issue & { address: string | null })[];
}

/** A checked file and the receipt of its last 报送 from this page (null: not sent yet). */
interface Ready {
  upload: Upload;
  receipt: Receipt | null;
}

/**
 * Where the page is with the file of the chosen table and month. Each step holds what it needs,
 * so a result that comes back after the clerk moved on (another month, another file) finds no
 * step to land in and is dropped.
 */
export type Phase =
  | { at: "idle" }
  | { at: "checking"; file: File }
  /** The file is of another table, month or unit than the one chosen. */
  | { at: "mismatch"; file: File; expected: FileMismatch["expected"]; found: FileFacts }
  | ({ at: "checked" } & Ready)
  /** 报送 of a later version: reading the last one to count the changes. */
  | ({ at: "comparing" } & Ready)
  /** The question before a new version. */
  | ({ at: "asking"; last: number; changes: number | null } & Ready)
  | ({ at: "submitting" } & Ready)
  | ({ at: "submitted"; receipt: Receipt } & Ready);

export type History = { version: number; receivedAt: string; onTime: boolean }[];

export interface ReporterState {
  template: string;
  /** null while what is typed in the month field is not a month. */
  period: string | null;
  phase: Phase;
  /** The 说明 typed beside the checked file's warnings, by explanationKey. */
  texts: ExplanationTexts;
  downloading: boolean;
  /** The last failure in words; the next action clears it. */
  error: string | null;
  /** The versions stored for the chosen table and month. */
  history: History;
}

export type ReporterAction =
  /** The table or the month picked: the page starts over with no file. */
  | { type: "choose"; template?: string; period?: string | null }
  | { type: "download" }
  | { type: "downloaded"; error?: string }
  /** A file sent to be checked as `template` and `period` (which become the choice). */
  | { type: "check"; file: File; template: string; period: string }
  | { type: "checked"; file: File; doc: SheetDocument; issues: Upload["issues"] }
  | {
      type: "mismatch";
      file: File;
      expected: FileMismatch["expected"];
      found: FileFacts;
    }
  | { type: "explain"; key: string; text: string }
  | { type: "compare" }
  | { type: "ask"; last: number; changes: number | null }
  | { type: "cancel" }
  | { type: "submit" }
  | { type: "submitted"; receipt: Receipt }
  | { type: "failed"; what: "check" | "submit"; error: string }
  | { type: "history"; template: string; period: string; history: History };

export function initialReporterState(template: string, period: string | null): ReporterState {
  return {
    template,
    period,
    phase: { at: "idle" },
    texts: {},
    downloading: false,
    error: null,
    history: [],
  };
}

/** The checked file and its receipt, in any step that has one. */
export function readyOf(phase: Phase): Ready | null {
  return "upload" in phase ? { upload: phase.upload, receipt: phase.receipt } : null;
}

/** Back to rest with a checked file: submitted if it was sent from this page, else checked. */
const settle = ({ upload, receipt }: Ready): Phase =>
  receipt ? { at: "submitted", upload, receipt } : { at: "checked", upload, receipt: null };

const fresh = { phase: { at: "idle" } as Phase, texts: {}, error: null };

export function reporterReducer(s: ReporterState, a: ReporterAction): ReporterState {
  const p = s.phase;
  switch (a.type) {
    case "choose":
      return {
        ...s,
        ...fresh,
        template: a.template ?? s.template,
        period: "period" in a ? (a.period ?? null) : s.period,
      };
    case "download":
      return { ...s, downloading: true, error: null };
    case "downloaded":
      return { ...s, downloading: false, error: a.error ?? s.error };
    case "check":
      return {
        ...s,
        ...fresh,
        template: a.template,
        period: a.period,
        phase: { at: "checking", file: a.file },
      };
    case "checked":
      if (p.at !== "checking" || p.file !== a.file) return s;
      return {
        ...s,
        phase: {
          at: "checked",
          upload: { file: a.file, doc: a.doc, issues: a.issues },
          receipt: null,
        },
      };
    case "mismatch":
      if (p.at !== "checking" || p.file !== a.file) return s;
      return {
        ...s,
        phase: { at: "mismatch", file: a.file, expected: a.expected, found: a.found },
      };
    case "explain":
      if (!readyOf(p)) return s;
      return { ...s, texts: { ...s.texts, [a.key]: a.text } };
    case "compare":
      if (p.at !== "checked" && p.at !== "submitted") return s;
      return { ...s, error: null, phase: { ...readyOf(p)!, at: "comparing" } };
    case "ask":
      if (p.at !== "comparing") return s;
      return { ...s, phase: { ...readyOf(p)!, at: "asking", last: a.last, changes: a.changes } };
    case "cancel":
      return p.at === "asking" ? { ...s, phase: settle(readyOf(p)!) } : s;
    case "submit":
      if (p.at !== "checked" && p.at !== "submitted" && p.at !== "asking") return s;
      return { ...s, error: null, phase: { ...readyOf(p)!, at: "submitting" } };
    case "submitted":
      if (p.at !== "submitting") return s;
      return { ...s, phase: { at: "submitted", upload: p.upload, receipt: a.receipt } };
    case "failed":
      if (a.what === "check" && p.at === "checking")
        return { ...s, phase: { at: "idle" }, error: a.error };
      if (a.what === "submit" && (p.at === "submitting" || p.at === "comparing"))
        return { ...s, phase: settle(readyOf(p)!), error: a.error };
      return s;
    case "history":
      if (a.template !== s.template || a.period !== s.period) return s;
      return { ...s, history: a.history };
  }
}

/** What is running, for the spinners; every button that starts something waits for it. */
export type Busy = "download" | "upload" | "compare" | "submit";

export function busyOf(s: ReporterState): Busy | null {
  if (s.downloading) return "download";
  switch (s.phase.at) {
    case "checking":
      return "upload";
    case "comparing":
      return "compare";
    case "submitting":
      return "submit";
    default:
      return null;
  }
}

export interface ReporterDeps {
  client: ApiClient;
  unit: { code: string; name: string };
  locale: Locale;
  dispatch: (a: ReporterAction) => void;
  /** One per page: a 报送 that failed goes again under the same key (see RetryKey). */
  retryKey: RetryKey;
  save: (blob: Blob, name: string) => void;
}

/**
 * The requests of the page, each telling the reducer how it went. Kept apart from React so the
 * flow (a failed upload, a locked period, a server out of reach) is tested without a browser.
 */
export function reporterCommands(d: ReporterDeps) {
  const loadHistory = async (template: string, period: string): Promise<void> => {
    let history: History = [];
    try {
      history = (await d.client.submissions(d.unit.code, template, period)).submissions;
    } catch {
      // Unreadable: shown as no version, as before the first 报送.
    }
    d.dispatch({ type: "history", template, period, history });
  };

  const submit = async (upload: Upload, texts: ExplanationTexts): Promise<void> => {
    d.dispatch({ type: "submit" });
    try {
      const body = withTypedExplanations(upload.doc, upload.issues, texts).doc;
      const receipt = await d.client.submit(body, d.retryKey.for(body));
      d.retryKey.done();
      d.dispatch({ type: "submitted", receipt });
    } catch (e) {
      // Nothing on this page keeps a report to send later: a failed 报送 is 未发送.
      d.dispatch({ type: "failed", what: "submit", error: describeFailure(e, d.locale, "unsent") });
      return;
    }
    await loadHistory(upload.doc.template, upload.doc.period);
  };

  return {
    loadHistory,
    submit,

    async download(t: CompiledTemplate, period: string): Promise<void> {
      d.dispatch({ type: "download" });
      try {
        const q = new URLSearchParams({ template: t.id, period });
        d.save(
          await d.client.download(`/template.xlsx?${q}`),
          `${d.unit.name}-${reportTitle(t.def, period)}.xlsx`
        );
        d.dispatch({ type: "downloaded" });
      } catch (e) {
        d.dispatch({ type: "downloaded", error: describeFailure(e, d.locale) });
      }
    },

    async check(file: File, template: string, period: string): Promise<void> {
      d.dispatch({ type: "check", file, template, period });
      try {
        const r = await d.client.upload(template, period, file);
        d.dispatch({ type: "checked", file, doc: r.document, issues: r.issues });
      } catch (e) {
        const m = fileMismatchOf(e);
        d.dispatch(
          m
            ? { type: "mismatch", file, ...m }
            : { type: "failed", what: "check", error: describeFailure(e, d.locale) }
        );
      }
    },

    /** 报送: the first version goes at once; any later one is asked, with the count of changes. */
    async send(
      upload: Upload,
      texts: ExplanationTexts,
      last: number,
      t: CompiledTemplate
    ): Promise<void> {
      if (last === 0) return submit(upload, texts);
      d.dispatch({ type: "compare" });
      let changes: number | null = null;
      try {
        const before = await d.client.latest(d.unit.code, t.id, upload.doc.period);
        if (before) changes = countChanges(t, before, upload.doc);
      } catch {
        // Unreachable or refused: still asked, without a count.
      }
      d.dispatch({ type: "ask", last, changes });
    },
  };
}

/** Why 报送 is refused before it is tried (a lock, an accepted report), or null. */
export function submitBlock(
  review: Pick<ReviewView, "lock" | "entry">,
  locale: Locale
): string | null {
  const r = REVIEW_STRINGS[locale];
  if (review.lock?.locked) return r.blockedLocked;
  return review.entry?.state === "accepted" ? r.acceptedHint : null;
}

/** The highest version stored, by the review state or the list of versions (0: none yet). */
export const lastVersion = (review: Pick<ReviewView, "entry">, history: History): number =>
  Math.max(0, review.entry?.version ?? 0, ...history.map((h) => h.version));

/**
 * The reporter's page as one flow: the table and month, the blank table, the file and its check,
 * 报送 (asked before a new version) and the versions stored. The page's sections only draw it.
 */
export function useReporterFlow(client: ApiClient, me: Me, locale: Locale = "zh-CN") {
  const unit = me.unit!;
  const templates = useTemplates();
  const mine = templates()
    .list()
    .filter((t) => t.def.reporters.includes(unit.kind));
  const [state, dispatch] = useReducer(reporterReducer, null, () =>
    initialReporterState(mine[0]?.id ?? "stat-3", defaultPeriod(new Date()))
  );
  const [retryKey] = useState(() => new RetryKey());
  const commands = useMemo(
    () => reporterCommands({ client, unit, locale, dispatch, retryKey, save }),
    // The unit is the signed-in one: its code and name decide, not the object's identity.
    [client, unit.code, unit.name, locale, retryKey]
  );
  const { template: templateId, period, phase, texts } = state;
  const t = templates().get(templateId)!;

  useEffect(() => {
    if (period) void commands.loadHistory(templateId, period);
  }, [commands, templateId, period]);

  const ready = readyOf(phase);
  const review = useReview(
    period ? client : null,
    { unit: unit.code, template: templateId, period: period ?? "" },
    ready?.receipt?.version
  );
  const last = lastVersion(review, state.history);

  return {
    state,
    mine,
    template: t,
    review,
    busy: busyOf(state),
    upload: ready?.upload ?? null,
    receipt: ready?.receipt ?? null,
    asking: phase.at === "asking" ? { last: phase.last, changes: phase.changes } : null,
    /** The errors left once the typed 说明 answer their warnings. */
    errors: ready ? withTypedExplanations(ready.upload.doc, ready.upload.issues, texts).errors : [],
    blocked: submitBlock(review, locale),
    due: period ? dueDate(period, t.def.dueDay) : null,
    overdue: period ? Date.now() > dueInstant(period, t.def.dueDay).getTime() : false,
    /** The file on the page: the one being checked, the mismatched one or the checked one. */
    fileName:
      phase.at === "checking" || phase.at === "mismatch"
        ? phase.file.name
        : (ready?.upload.file.name ?? null),

    choose: (template: string | undefined) => dispatch({ type: "choose", template }),
    setPeriod: (p: string | null) => dispatch({ type: "choose", period: p }),
    download: () => period && void commands.download(t, period),
    check: (file: File) => period && void commands.check(file, templateId, period),
    /** The mismatch's "check it as the file's table and month", for a table this unit reports. */
    switchTo: (template: string, month: string) => {
      if (phase.at !== "mismatch" || !mine.some((x) => x.id === template)) return;
      void commands.check(phase.file, template, month);
    },
    explain: (i: Issue, text: string) =>
      dispatch({ type: "explain", key: explanationKey(i), text }),
    send: () => ready && void commands.send(ready.upload, texts, last, t),
    confirm: () => ready && void commands.submit(ready.upload, texts),
    cancel: () => dispatch({ type: "cancel" }),
  };
}

export type ReporterFlow = ReturnType<typeof useReporterFlow>;
