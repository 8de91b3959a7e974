import * as z from "zod/mini";
import "../core/schema/messages";
import {
  consolidatedSchema,
  diffSchema,
  errorSchema,
  lockSchema,
  lockStateSchema,
  meSchema,
  receiptSchema,
  reviewResultSchema,
  statusSchema,
  submissionListSchema,
  submissionSchema,
  type ApiErrorBody,
  type Consolidated,
  type Diff,
  type LockState,
  type Me,
  type Receipt,
  type ReviewRequest,
  type ReviewResult,
  type Status,
  type StoredSubmission,
} from "../core/schema/api";
import { issueSchema, sheetDocumentSchema } from "../core/schema/document";
import type { Issue, SheetDocument } from "../core/schema/document";
import { previousPeriod } from "../core/periods";
import type { TrendMonth } from "../core/trend";

/** Why a request did not give its answer. */
export type ApiFailure =
  | { kind: "offline"; detail: string }
  | { kind: "http"; status: number; body: ApiErrorBody; raw?: unknown }
  | { kind: "bad-answer"; detail: string };

export class ApiError extends Error {
  constructor(readonly failure: ApiFailure) {
    super(
      failure.kind === "http"
        ? `${failure.status} ${failure.body.error}`
        : `${failure.kind}: ${failure.detail}`
    );
  }

  /** Worth trying again later with the same idempotency key (the server may not have it yet). */
  get retryable(): boolean {
    const f = this.failure;
    if (f.kind === "offline") return true;
    if (f.kind !== "http") return false;
    return (
      f.status >= 500 || f.status === 429 || (f.status === 409 && f.body.error === "in-flight")
    );
  }
}

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const uploadSchema = z.object({
  document: sheetDocumentSchema,
  issues: z.array(z.extend(issueSchema, { address: z.nullable(z.string()) })),
});

const validationSchema = z.object({ issues: z.array(issueSchema) });

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/** The collection server's API, every answer checked against its schema before use. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    private readonly fetchImpl: Fetch = (input, init) => globalThis.fetch(input, init),
    private readonly timeoutMs = 20_000
  ) {}

  private async call<T>(
    method: string,
    path: string,
    schema: z.ZodMiniType<T>,
    body?: unknown,
    headers: Record<string, string> = {}
  ): Promise<T> {
    const url = `${this.baseUrl.replace(/\/+$/, "")}/api/v1${path}`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...headers,
        },
        body: body === undefined ? undefined : body instanceof Blob ? body : JSON.stringify(body),
        signal: controller.signal,
      });
    } catch (e) {
      throw new ApiError({ kind: "offline", detail: (e as Error).message });
    } finally {
      clearTimeout(timer);
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const parsed = errorSchema.safeParse(json);
      throw new ApiError({
        kind: "http",
        status: res.status,
        body: parsed.success ? parsed.data : { error: `http-${res.status}` },
        // Some refusals carry more than the common shape (file-mismatch: expected, found).
        raw: json,
      });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success)
      throw new ApiError({
        kind: "bad-answer",
        detail: `${method} ${path}: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`,
      });
    return parsed.data;
  }

  /** A file from the API (the blank template, the consolidated table) as a Blob. */
  async download(path: string): Promise<Blob> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.baseUrl.replace(/\/+$/, "")}/api/v1${path}`, {
        headers: { authorization: `Bearer ${this.token}` },
      });
    } catch (e) {
      throw new ApiError({ kind: "offline", detail: (e as Error).message });
    }
    if (!res.ok) {
      const body = errorSchema.safeParse(await res.json().catch(() => null));
      throw new ApiError({
        kind: "http",
        status: res.status,
        body: body.success ? body.data : { error: `http-${res.status}` },
      });
    }
    return res.blob();
  }

  /**
   * Checks a filled .xlsx (stores nothing): the document read from it and its issues by cell.
   * The table and month asked for go along, so a file of another month or table is refused.
   */
  upload(template: string, period: string, file: Blob): Promise<z.infer<typeof uploadSchema>> {
    const q = new URLSearchParams({ template, period });
    return this.call("POST", `/uploads?${q}`, uploadSchema, file, { "content-type": XLSX_TYPE });
  }

  submissions(unit: string, template: string, period: string) {
    const q = new URLSearchParams({ unit, template, period });
    return this.call("GET", `/submissions?${q}`, submissionListSchema);
  }

  me(): Promise<Me> {
    return this.call("GET", "/me", meSchema);
  }

  submit(doc: SheetDocument, idempotencyKey: string): Promise<Receipt> {
    return this.call("POST", "/submissions", receiptSchema, doc, {
      "idempotency-key": idempotencyKey,
    });
  }

  status(template: string, period: string, unit: string): Promise<Status> {
    const q = new URLSearchParams({ template, period, unit });
    return this.call("GET", `/status?${q}`, statusSchema);
  }

  /**
   * The consolidated table with its coverage; `only: "accepted"` counts accepted reports only
   * (default: every unit's latest version).
   */
  consolidated(
    template: string,
    period: string,
    unit: string,
    opts: { only?: "accepted" } = {}
  ): Promise<Consolidated> {
    const q = new URLSearchParams({
      template,
      period,
      unit,
      ...(opts.only ? { only: opts.only } : {}),
    });
    return this.call("GET", `/consolidated?${q}`, consolidatedSchema);
  }

  /** The consolidated table as .xlsx in the official layout, summing what `consolidated` sums. */
  consolidatedXlsx(
    template: string,
    period: string,
    unit: string,
    opts: { only?: "accepted" } = {}
  ): Promise<Blob> {
    const q = new URLSearchParams({
      template,
      period,
      unit,
      format: "xlsx",
      ...(opts.only ? { only: opts.only } : {}),
    });
    return this.download(`/consolidated?${q}`);
  }

  /** Accepts or returns the latest version of a unit's report (a collector above the unit). */
  review(request: ReviewRequest): Promise<ReviewResult> {
    return this.call("POST", "/reviews", reviewResultSchema, request);
  }

  /** Locks or unlocks a period of a unit's subtree (a collector of the unit or above). */
  async lock(unit: string, template: string, period: string, locked: boolean): Promise<void> {
    await this.call(locked ? "POST" : "DELETE", "/locks", lockSchema, { unit, template, period });
  }

  /** Whether a unit's report is locked, by its own unit or one above it, and by whom. */
  getLock(unit: string, template: string, period: string): Promise<LockState> {
    const q = new URLSearchParams({ template, period, unit });
    return this.call("GET", `/locks?${q}`, lockStateSchema);
  }

  /** What changed in a stored version, against the previous version or the one named. */
  diff(id: string, against?: string): Promise<Diff> {
    const q = against ? `?${new URLSearchParams({ against })}` : "";
    return this.call("GET", `/submissions/${encodeURIComponent(id)}/diff${q}`, diffSchema);
  }

  /**
   * The consolidated documents of January…the period's month and the units each adds up (null
   * for a month nobody reported), fetched together: what a trend of the year needs.
   */
  consolidatedYear(template: string, period: string, unit: string): Promise<(TrendMonth | null)[]> {
    const [year, month] = period.split("-").map(Number) as [number, number];
    return Promise.all(
      Array.from({ length: month }, async (_, i) => {
        const c = await this.consolidated(
          template,
          `${year}-${String(i + 1).padStart(2, "0")}`,
          unit
        );
        return c.sources.length ? { doc: c.document, units: c.sources.map((x) => x.unit) } : null;
      })
    );
  }

  /** The name the pages used before `lock`; the same call. */
  setLock(unit: string, template: string, period: string, locked: boolean): Promise<void> {
    return this.lock(unit, template, period, locked);
  }

  /**
   * The server's check of a document (stores nothing): the engine's issues with what only the
   * server holds, the unit's stored previous month and its history (history.outlier).
   */
  async validate(doc: SheetDocument, phase: "fill" | "submit"): Promise<Issue[]> {
    const q = new URLSearchParams({ phase });
    return (await this.call("POST", `/validate?${q}`, validationSchema, doc)).issues;
  }

  /** One stored version with its document, issues and receipt fields. */
  submission(id: string): Promise<StoredSubmission> {
    return this.call("GET", `/submissions/${encodeURIComponent(id)}`, submissionSchema);
  }

  /** One stored version as .xlsx in the official layout, its 说明 as cell notes. */
  submissionXlsx(id: string): Promise<Blob> {
    return this.download(`/submissions/${encodeURIComponent(id)}?format=xlsx`);
  }

  /** The newest accepted version of a unit's report, or null when there is none. */
  async latest(unit: string, template: string, period: string): Promise<SheetDocument | null> {
    const q = new URLSearchParams({ unit, template, period });
    const list = await this.call("GET", `/submissions?${q}`, submissionListSchema);
    const newest = [...list.submissions].sort((a, b) => b.version - a.version)[0];
    if (!newest) return null;
    return (await this.submission(newest.id)).document;
  }

  /** What a cumulative table starts from: last month's accepted values (none in January). */
  async previousOf(unit: string, template: string, period: string): Promise<SheetDocument | null> {
    if (period.endsWith("-01")) return null;
    return this.latest(unit, template, previousPeriod(period));
  }
}
