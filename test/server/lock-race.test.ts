import { createTestDb, startTestServer, type TestDb, type TestServer } from "../helpers/server";

/**
 * A city's lock and its county's unlock of the same report sent together (docs/review.md: a county
 * cannot lift its city's lock). However the two interleave on the database's connections, the
 * lock ends as the audited transitions say, in the order the audit stored them: one audit row per
 * real change, none for a request that changed nothing, and never a county lifting the city's lock.
 */
jest.setTimeout(120_000);

const TRIALS = 40;

describe.each(["sqlite", "postgres"] as const)("racing lock and unlock on %s", (kind) => {
  let db: TestDb;
  let s: TestServer;
  const tokenIds: Record<string, string> = {};
  beforeAll(async () => {
    db = await createTestDb(kind);
    s = await startTestServer(db.url);
    for (const unit of ["CTY", "CITY"] as const) {
      const row = await s.store.db
        .selectFrom("tokens")
        .select("id")
        .where("unit", "=", unit)
        .where("role", "=", "collector")
        .executeTakeFirstOrThrow();
      tokenIds[unit] = row.id;
    }
  });
  afterAll(async () => {
    await s.close();
    await db.drop();
  });

  const call = (method: "POST" | "DELETE", token: string, period: string) =>
    s.app.inject({
      method,
      url: "/api/v1/locks",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      payload: JSON.stringify({ unit: "CTY", template: "stat-3", period }),
    });

  /** The audit lines of the county's stat-3 lock for a period, in the order they were stored. */
  const auditOf = async (period: string) =>
    (
      await s.store.db
        .selectFrom("audit")
        .select(["id", "action", "token_id", "unit", "detail"])
        .where("action", "in", ["period.locked", "period.unlocked"])
        .orderBy("id")
        .execute()
    )
      .map((r) => ({ ...r, detail: JSON.parse(r.detail) as { by: string; period: string } }))
      .filter((r) => r.detail.period === period)
      .map((r) => `${r.action} by ${r.detail.by}`);

  /** Who holds the lock now (the unit of the token that set it), or null. */
  const holder = async (period: string): Promise<string | null> => {
    const row = await s.store.db
      .selectFrom("locks")
      .select("locked_by")
      .where("unit", "=", "CTY")
      .where("template", "=", "stat-3")
      .where("period", "=", period)
      .executeTakeFirst();
    if (!row) return null;
    return Object.entries(tokenIds).find(([, id]) => id === row.locked_by)?.[0] ?? "unknown";
  };

  /** The holder the audited transitions lead to, from `start`. */
  const replay = (start: string | null, lines: string[]): string | null =>
    lines.reduce<string | null>(
      (held, line) => (line.startsWith("period.locked by ") ? line.slice(17) : null),
      start
    );

  const periodOf = (i: number) =>
    `${2001 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;

  it(`the city locks while the county unlocks its own lock, ${TRIALS} times`, async () => {
    for (let i = 0; i < TRIALS; i++) {
      const period = periodOf(i);
      expect((await call("POST", s.tokens.CTY, period)).statusCode).toBe(200);
      const before = (await auditOf(period)).length;
      // Sent in both orders, so either may reach the database first.
      const [city, county] =
        i % 2 === 0
          ? await Promise.all([
              call("POST", s.tokens.CITY, period),
              call("DELETE", s.tokens.CTY, period),
            ])
          : await Promise.all([
              call("DELETE", s.tokens.CTY, period),
              call("POST", s.tokens.CITY, period),
            ]).then(([unlock, lock]) => [lock, unlock] as const);
      expect(city.statusCode).toBe(200);
      expect([200, 403]).toContain(county.statusCode);
      const lines = (await auditOf(period)).slice(before);
      // The county's unlock was accepted only if it came first and lifted its own lock; the
      // city's lock then made a new one. Refused, it changed nothing: the city took the lock over.
      expect(lines).toEqual(
        county.statusCode === 200
          ? ["period.unlocked by CTY", "period.locked by CITY"]
          : ["period.locked by CITY"]
      );
      expect(await holder(period)).toBe(replay("CTY", lines));
      expect(await holder(period)).toBe("CITY");
    }
  });

  it(`the city unlocks while the county locks, ${TRIALS} times`, async () => {
    for (let i = 0; i < TRIALS; i++) {
      const period = periodOf(100 + i);
      expect((await call("POST", s.tokens.CITY, period)).statusCode).toBe(200);
      const before = (await auditOf(period)).length;
      const [city, county] = await Promise.all([
        call("DELETE", s.tokens.CITY, period),
        call("POST", s.tokens.CTY, period),
      ]);
      // Both may act: the county's lock is a no-op while the city's holds, a new lock after it.
      expect(city.statusCode).toBe(200);
      expect(county.statusCode).toBe(200);
      const lines = (await auditOf(period)).slice(before);
      expect([
        ["period.unlocked by CITY"],
        ["period.unlocked by CITY", "period.locked by CTY"],
      ]).toContainEqual(lines);
      expect(await holder(period)).toBe(replay("CITY", lines));
    }
  });
});
