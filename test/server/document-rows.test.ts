import {
  createTestDb,
  postJson,
  startTestServer,
  type TestDb,
  type TestServer,
} from "../helpers/server";

/**
 * A document sent as JSON is bounded in rows as a file is (5,000): an 800 kB ledger of 30,000
 * blank rows was answered with 17 MB of issues after blocking the server for over a second.
 */
describe("rows of a document sent as JSON", () => {
  let db: TestDb;
  let s: TestServer;
  beforeAll(async () => {
    db = await createTestDb("sqlite");
    s = await startTestServer(db.url);
  });
  afterAll(async () => {
    await s.close();
    await db.drop();
  });

  const ledger = (n: number) => ({
    template: "ledger",
    templateVersion: 1,
    period: "2021-07",
    unit: "H1",
    header: {},
    rows: Array.from({ length: n }, (_, i) => ({ key: String(i + 1), cells: {} })),
  });
  const send = (url: string, n: number) => postJson(s, url, ledger(n));

  it.each(["/validate", "/submissions"])(
    "%s: 5,001 rows are a 400 naming rows and the bound; nothing is stored",
    async (url) => {
      const r = await send(url, 5001);
      expect(r.statusCode).toBe(400);
      expect(r.json()).toEqual({
        error: "bad-request",
        detail: "rows：一份报表最多 5000 行，这份有 5001 行",
        path: "rows",
      });
      const stored = await s.store.db.selectFrom("submissions").select("id").execute();
      expect(stored).toEqual([]);
    }
  );

  it("5,000 rows are checked as usual", async () => {
    const r = await send("/validate", 5000);
    expect(r.statusCode).toBe(200);
    expect(r.json().issues.length).toBeGreaterThan(5000);
  });
});
