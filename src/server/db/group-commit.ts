import type SQLite from "better-sqlite3";

export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** Thrown inside the fast form of a group's transaction so that it rolls back: a job failed. */
class JobFailed extends Error {}

/**
 * What a store step does once per group's transaction: `start` as it begins (again when the group
 * is run job by job), `finish` after its last job, before the COMMIT.
 */
export interface GroupHooks {
  start(): void;
  finish(): void;
}

/**
 * One group's transaction on a connection: BEGIN IMMEDIATE (the write lock is taken at once,
 * never upgraded half-way), the jobs, COMMIT. A job that throws is rolled back alone: the group is
 * first run without a savepoint per job (two statements a job fewer, and a job almost never
 * throws: everything it could be refused for was decided before); if one throws, that whole
 * transaction is rolled back and the group runs again with each job in its own savepoint
 * (better-sqlite3 turns a transaction function called inside another into one).
 */
export function groupTransaction<J, R>(
  sqlite: SQLite.Database,
  storeOne: (job: J) => R,
  hooks?: GroupHooks
): (jobs: readonly J[]) => Outcome<R>[] {
  const fast = sqlite.transaction((jobs: readonly J[]) => {
    hooks?.start();
    const out = jobs.map((job): Outcome<R> => {
      try {
        return { ok: true, value: storeOne(job) };
      } catch (error) {
        // A full disk or an I/O error rolls back the whole transaction, not the statement: the
        // group is over, with that error; run again job by job, each would commit on its own.
        if (!sqlite.inTransaction) throw error;
        throw new JobFailed();
      }
    });
    hooks?.finish();
    return out;
  });
  const one = sqlite.transaction((job: J) => storeOne(job));
  const each = sqlite.transaction((jobs: readonly J[]) => {
    hooks?.start();
    const out = jobs.map((job): Outcome<R> => {
      try {
        return { ok: true, value: one(job) };
      } catch (error) {
        if (!sqlite.inTransaction) throw error;
        return { ok: false, error };
      }
    });
    hooks?.finish();
    return out;
  });
  return (jobs) => {
    try {
      return fast.immediate(jobs);
    } catch (error) {
      if (!(error instanceof JobFailed)) throw error;
      return each.immediate(jobs);
    }
  };
}

export type GroupCommitOptions<J, R> = (
  | {
      sqlite: SQLite.Database;
      /**
       * One job's writes, synchronous, inside its group's transaction. Its only effects are on the
       * connection: when a job of the group throws, the group is rolled back and run again.
       */
      storeOne: (job: J) => R;
      hooks?: GroupHooks;
    }
  | {
      /** The group's transaction run elsewhere (a writer thread); answered once committed. */
      commit: (jobs: readonly J[]) => Promise<Outcome<R>[]>;
      /** The jobs queued during a commit go as the next group at once, not maxWaitMs later. */
      eager?: boolean;
    }
) & {
  /**
   * Runs `fn` while nobody else uses the connection (Kysely's own lock on SQLite's one
   * connection), so a group never lands inside a transaction another caller has open.
   */
  exclusive: <T>(fn: () => T) => Promise<T>;
  /** Most jobs in one transaction. */
  maxBatch: number;
  /** How long the first job of a group waits for others to join it. */
  maxWaitMs: number;
  /** Told the size of each group after its commit returned (tests, the benchmark). */
  onCommit?: (size: number) => void;
};

interface Waiting<J, R> {
  job: J;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit on SQLite: with synchronous=FULL every commit is a disk flush, so jobs arriving
 * together share one. Each job is answered only after its group's COMMIT returned; a job that
 * throws is rolled back to its savepoint and rejected alone.
 */
export class GroupCommit<J, R> {
  private readonly queue: Waiting<J, R>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing = false;
  private readonly commitGroup: (jobs: readonly J[]) => Outcome<R>[] | Promise<Outcome<R>[]>;

  constructor(private readonly opts: GroupCommitOptions<J, R>) {
    this.commitGroup =
      "commit" in opts ? opts.commit : groupTransaction(opts.sqlite, opts.storeOne, opts.hooks);
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
          outcomes = await this.opts.exclusive(() => this.commitGroup(group.map((w) => w.job)));
        } catch (error) {
          for (const w of group) w.reject(error);
          continue;
        }
        this.opts.onCommit?.(group.length);
        outcomes.forEach((o, i) => (o.ok ? group[i]!.resolve(o.value) : group[i]!.reject(o.error)));
      } while (this.queue.length >= this.opts.maxBatch);
    } finally {
      this.flushing = false;
      // Committed elsewhere (a thread), the jobs queued meanwhile waited for the disk already:
      // they go once the answers are out. Committed here, nothing could join during the commit,
      // so the queue waits for company as a first job does.
      if (this.queue.length && "commit" in this.opts && this.opts.eager)
        this.timer ??= setTimeout(() => void this.flush(), 0);
      else if (this.queue.length)
        this.timer ??= setTimeout(() => void this.flush(), this.opts.maxWaitMs);
    }
  }
}
