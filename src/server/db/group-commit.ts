import type SQLite from "better-sqlite3";

export interface GroupCommitOptions<J, R> {
  sqlite: SQLite.Database;
  /**
   * Runs `fn` while nobody else uses the connection (Kysely's own lock on SQLite's one
   * connection), so a group never lands inside a transaction another caller has open.
   */
  exclusive: <T>(fn: () => T) => Promise<T>;
  /** One job's writes, synchronous; it runs inside a savepoint of its group's transaction. */
  storeOne: (job: J) => R;
  /** Most jobs in one transaction. */
  maxBatch: number;
  /** How long the first job of a group waits for others to join it. */
  maxWaitMs: number;
  /** Told the size of each group after its commit returned (tests, the benchmark). */
  onCommit?: (size: number) => void;
}

interface Waiting<J, R> {
  job: J;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Group commit on SQLite: with synchronous=FULL every commit is a disk flush, so jobs arriving
 * together share one. Each job is answered only after its group's COMMIT returned; a job that
 * throws is rolled back to its savepoint and rejected alone.
 */
export class GroupCommit<J, R> {
  private readonly queue: Waiting<J, R>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing = false;
  private readonly commitGroup: { immediate: (jobs: readonly J[]) => Outcome<R>[] };

  constructor(private readonly opts: GroupCommitOptions<J, R>) {
    // better-sqlite3 turns a transaction function called inside another into a savepoint.
    const one = opts.sqlite.transaction((job: J) => opts.storeOne(job));
    this.commitGroup = opts.sqlite.transaction((jobs: readonly J[]) =>
      jobs.map((job): Outcome<R> => {
        try {
          return { ok: true, value: one(job) };
        } catch (error) {
          return { ok: false, error };
        }
      })
    );
  }

  submit(job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      if (this.flushing) return; // the running flush takes it next
      if (this.queue.length >= this.opts.maxBatch) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), this.opts.maxWaitMs);
    });
  }

  private async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.flushing) return;
    this.flushing = true;
    try {
      // A full group goes at once; a partial one waits maxWaitMs for company (below), so the
      // requests read while this group was committing get their turn to be validated and join.
      do {
        const group = this.queue.splice(0, this.opts.maxBatch);
        let outcomes: Outcome<R>[];
        try {
          // BEGIN IMMEDIATE: the write lock is taken at once, never upgraded half-way.
          outcomes = await this.opts.exclusive(() =>
            this.commitGroup.immediate(group.map((w) => w.job))
          );
        } catch (error) {
          for (const w of group) w.reject(error);
          continue;
        }
        this.opts.onCommit?.(group.length);
        outcomes.forEach((o, i) => (o.ok ? group[i]!.resolve(o.value) : group[i]!.reject(o.error)));
      } while (this.queue.length >= this.opts.maxBatch);
    } finally {
      this.flushing = false;
      if (this.queue.length)
        this.timer ??= setTimeout(() => void this.flush(), this.opts.maxWaitMs);
    }
  }
}
