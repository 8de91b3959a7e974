import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { GroupCommit } from "../../src/server/db/group-commit";

/**
 * The SQLite group commit: what is handed in together is committed in one transaction, each
 * caller answered only after that commit; one job's failure is rolled back alone.
 */
function database(): SQLite.Database {
  const sqlite = new SQLite(join(mkdtempSync(join(tmpdir(), "tianbao-gc-")), "gc.sqlite"));
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.exec("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)");
  return sqlite;
}

const exclusive = <T>(fn: () => T): Promise<T> => Promise.resolve().then(fn);

describe("GroupCommit", () => {
  it("commits jobs handed in together in one transaction and answers each", async () => {
    const sqlite = database();
    const insert = sqlite.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    let transactions = 0;
    const group = new GroupCommit<number, string>({
      sqlite,
      exclusive,
      storeOne: (n) => (insert.run(`k${n}`, n), `stored ${n}`),
      maxBatch: 64,
      maxWaitMs: 1,
      onCommit: () => transactions++,
    });
    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => group.submit(n)));
    expect(answers).toEqual(["stored 1", "stored 2", "stored 3", "stored 4", "stored 5"]);
    expect(transactions).toBe(1);
    expect(sqlite.prepare("SELECT count(*) AS n FROM t").get()).toEqual({ n: 5 });
  });

  it("splits a long queue into groups of at most maxBatch", async () => {
    const sqlite = database();
    const insert = sqlite.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    const sizes: number[] = [];
    const group = new GroupCommit<number, number>({
      sqlite,
      exclusive,
      storeOne: (n) => (insert.run(`k${n}`, n), n),
      maxBatch: 4,
      maxWaitMs: 1,
      onCommit: (size) => sizes.push(size),
    });
    await Promise.all(Array.from({ length: 10 }, (_, n) => group.submit(n)));
    expect(sizes).toEqual([4, 4, 2]);
  });

  it("rolls back a failing job alone: the others of its group are committed", async () => {
    const sqlite = database();
    const insert = sqlite.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    const group = new GroupCommit<number, number>({
      sqlite,
      exclusive,
      storeOne: (n) => {
        insert.run(`k${n}`, n);
        if (n === 3) throw new Error("job 3 fails after its write");
        return n;
      },
      maxBatch: 64,
      maxWaitMs: 1,
    });
    const settled = await Promise.allSettled([1, 2, 3, 4].map((n) => group.submit(n)));
    expect(settled.map((s) => s.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
    expect(sqlite.prepare("SELECT k FROM t ORDER BY k").all()).toEqual([
      { k: "k1" },
      { k: "k2" },
      { k: "k4" },
    ]);
  });

  it("runs each job once when none fails, and the group again job by job when one does", async () => {
    const sqlite = database();
    const insert = sqlite.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    const calls: number[] = [];
    const group = new GroupCommit<number, number>({
      sqlite,
      exclusive,
      storeOne: (n) => {
        calls.push(n);
        insert.run(`k${n}`, n);
        if (n === 13) throw new Error("job 13 fails");
        return n;
      },
      maxBatch: 64,
      maxWaitMs: 1,
    });
    await Promise.all([1, 2, 3].map((n) => group.submit(n)));
    expect(calls).toEqual([1, 2, 3]);
    calls.length = 0;
    const settled = await Promise.allSettled([11, 12, 13, 14].map((n) => group.submit(n)));
    expect(settled.map((s) => s.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
    // The first run stopped at the failing job and was rolled back; the second stored the others.
    expect(calls).toEqual([11, 12, 13, 11, 12, 13, 14]);
    expect(sqlite.prepare("SELECT v FROM t ORDER BY v").pluck().all()).toEqual([
      1, 2, 3, 11, 12, 14,
    ]);
  });

  it("a full disk fails the whole group with its own error: no job is stored, none on its own", async () => {
    // SQLite rolls back the whole transaction on SQLITE_FULL, not the statement: run job by job
    // after it, each job would have committed alone outside any group.
    const sqlite = database();
    sqlite.exec("CREATE TABLE big (v TEXT NOT NULL)");
    const insert = sqlite.prepare("INSERT INTO big (v) VALUES (?)");
    const pages = sqlite.pragma("page_count", { simple: true }) as number;
    sqlite.pragma(`max_page_count = ${pages + 60}`);
    const group = new GroupCommit<number, number>({
      sqlite,
      exclusive,
      storeOne: (n) => (insert.run(`${n}`.padEnd(70_000, "x")), n),
      maxBatch: 64,
      maxWaitMs: 1,
    });
    const settled = await Promise.allSettled([1, 2, 3, 4, 5, 6, 7, 8].map((n) => group.submit(n)));
    expect(
      settled.map((s) =>
        s.status === "rejected" ? (s.reason as { code?: string }).code : "stored"
      )
    ).toEqual(Array(8).fill("SQLITE_FULL"));
    expect(sqlite.inTransaction).toBe(false);
    expect(sqlite.prepare("SELECT count(*) AS n FROM big").get()).toEqual({ n: 0 });
    // Space again: the next group is stored.
    sqlite.pragma(`max_page_count = ${pages + 1000}`);
    expect(await Promise.all([1, 2].map((n) => group.submit(n)))).toEqual([1, 2]);
    expect(sqlite.prepare("SELECT count(*) AS n FROM big").get()).toEqual({ n: 2 });
  });

  it("answers nobody before the group's commit: a failed commit fails the whole group", async () => {
    const sqlite = database();
    const insert = sqlite.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
    const group = new GroupCommit<number, number>({
      sqlite,
      // The connection cannot be had (the database is gone): nobody is told their job was stored.
      exclusive: () => Promise.reject(new Error("no connection")),
      storeOne: (n) => (insert.run(`k${n}`, n), n),
      maxBatch: 64,
      maxWaitMs: 1,
    });
    const settled = await Promise.allSettled([1, 2].map((n) => group.submit(n)));
    expect(settled.map((s) => s.status)).toEqual(["rejected", "rejected"]);
    expect(sqlite.prepare("SELECT count(*) AS n FROM t").get()).toEqual({ n: 0 });
  });

  it("committed elsewhere (eager), the jobs queued during a commit are the next group at once", async () => {
    const groups: number[][] = [];
    let release!: () => void;
    const first = new Promise<void>((r) => (release = r));
    const group = new GroupCommit<number, number>({
      // The first commit is held until the test lets it go, as a thread's disk flush would be.
      commit: async (jobs) => {
        groups.push([...jobs]);
        if (groups.length === 1) await first;
        return jobs.map((value) => ({ ok: true as const, value }));
      },
      eager: true,
      exclusive,
      maxBatch: 2,
      // Were the queue to wait for company, this test would time out.
      maxWaitMs: 10 * 60_000,
    });
    const a = [group.submit(1), group.submit(2)];
    await new Promise((r) => setImmediate(r));
    const b = group.submit(3);
    release();
    expect(await Promise.all([...a, b])).toEqual([1, 2, 3]);
    expect(groups).toEqual([[1, 2], [3]]);
  });
});
