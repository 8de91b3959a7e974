import type { Receipt } from "../core/schema/api";
import type { SheetDocument } from "../core/schema/document";
import { ApiError, type ApiClient } from "./api";

/**
 * Submissions waiting for the server, kept in durable storage with their idempotency keys: a
 * retry sends the same key, so the server keeps one version however often it is retried.
 */
export interface QueueStorage {
  read(): string | null;
  write(value: string): void;
}

export interface Pending {
  key: string;
  doc: SheetDocument;
  /** The binding of the sheet it came from, to write the receipt back. */
  bindingId: string;
  queuedAt: string;
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
}

export type FlushResult =
  | { entry: Pending; ok: true; receipt: Receipt }
  | { entry: Pending; ok: false; error: ApiError; final: boolean };

const BASE_DELAY_MS = 2_000;
const MAX_DELAY_MS = 5 * 60_000;

export class SubmissionQueue {
  private entries: Pending[];
  private flushing: Promise<FlushResult[]> | null = null;

  constructor(
    private readonly storage: QueueStorage,
    private readonly now: () => number = () => Date.now()
  ) {
    this.entries = SubmissionQueue.parse(storage.read());
  }

  private static parse(raw: string | null): Pending[] {
    try {
      const v = raw ? (JSON.parse(raw) as unknown) : [];
      return Array.isArray(v)
        ? (v as Pending[]).filter((p) => typeof p?.key === "string" && p.doc)
        : [];
    } catch {
      return [];
    }
  }

  private save(): void {
    this.storage.write(JSON.stringify(this.entries));
  }

  list(): readonly Pending[] {
    return this.entries;
  }

  add(entry: { key: string; doc: SheetDocument; bindingId: string }): Pending {
    const p: Pending = {
      ...entry,
      queuedAt: new Date(this.now()).toISOString(),
      attempts: 0,
      nextAttemptAt: this.now(),
    };
    this.entries = [...this.entries.filter((e) => e.key !== entry.key), p];
    this.save();
    return p;
  }

  /** Delay before attempt n+1: 2 s, 4 s, 8 s … at most 5 minutes, with a little jitter. */
  static backoff(attempts: number, random: number = Math.random()): number {
    const base = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
    return Math.round(base * (0.8 + 0.4 * random));
  }

  /**
   * Sends every entry that is due (`force`: all of them), one at a time, in the order queued.
   * An entry leaves the queue when the server answers for good (accepted, or refused for a reason
   * a retry cannot mend); it stays, with a later attempt time, when the server cannot be reached.
   */
  flush(client: ApiClient, force = false): Promise<FlushResult[]> {
    this.flushing ??= this.run(client, force).finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async run(client: ApiClient, force: boolean): Promise<FlushResult[]> {
    const out: FlushResult[] = [];
    for (const entry of [...this.entries]) {
      if (!force && entry.nextAttemptAt > this.now()) continue;
      try {
        const receipt = await client.submit(entry.doc, entry.key);
        this.entries = this.entries.filter((e) => e.key !== entry.key);
        this.save();
        out.push({ entry, ok: true, receipt });
      } catch (e) {
        const error =
          e instanceof ApiError ? e : new ApiError({ kind: "offline", detail: String(e) });
        const final = !error.retryable;
        const attempts = entry.attempts + 1;
        this.entries = final
          ? this.entries.filter((x) => x.key !== entry.key)
          : this.entries.map((x) =>
              x.key === entry.key
                ? {
                    ...x,
                    attempts,
                    nextAttemptAt: this.now() + SubmissionQueue.backoff(attempts),
                    lastError: error.message,
                  }
                : x
            );
        this.save();
        out.push({ entry, ok: false, error, final });
        // The server is unreachable: the next entries would fail the same way.
        if (!final) break;
      }
    }
    return out;
  }
}

/** A fresh idempotency key (128 random bits as hex). */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
