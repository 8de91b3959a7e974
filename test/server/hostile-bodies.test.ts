import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { createTestDb, startTestServer, type TestDb, type TestServer } from "../helpers/server";

const RUNS = Number(process.env.HOSTILE_RUNS ?? 300);

/** Bodies that are almost documents, and anything at all. */
const nearDoc = fc.record(
  {
    template: fc.oneof(
      fc.constantFrom("stat-3", "stat-1", "ledger", "nope"),
      fc.string(),
      fc.integer()
    ),
    templateVersion: fc.oneof(fc.constant(1), fc.double(), fc.string()),
    period: fc.oneof(fc.constantFrom("2021-07", "2021-13", "NaN"), fc.string()),
    unit: fc.oneof(fc.constantFrom("H1", "H2", "NOPE"), fc.string({ maxLength: 300 })),
    header: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue()),
    rows: fc.oneof(
      fc.array(
        fc.record({
          key: fc.oneof(fc.constantFrom("public.g2", "all", "x"), fc.string()),
          cells: fc.dictionary(fc.constantFrom("c1", "c2", "c10", "c14", "zz"), fc.jsonValue()),
        }),
        { maxLength: 5 }
      ),
      fc.jsonValue()
    ),
  },
  { requiredKeys: [] }
);

describe("hostile bodies to /submissions and /validate (bounded)", () => {
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

  it("never answer 5xx, always a JSON error code, and store nothing when refusing", async () => {
    const count = async () =>
      Number(
        (
          await s.store.db
            .selectFrom("submissions")
            .select((eb) => eb.fn.countAll().as("n"))
            .executeTakeFirstOrThrow()
        ).n
      );
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          nearDoc.map((d) => JSON.stringify(d)),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.string({ maxLength: 200 }),
          fc.constantFrom("{", "[1,2", '{"a":NaN}', "\u0000", "💥".repeat(50)),
          // Deep nesting, huge strings, numbers JSON cannot hold, broken unicode.
          fc.integer({ min: 50, max: 20_000 }).map((n) => "[".repeat(n) + "]".repeat(n)),
          fc
            .integer({ min: 50, max: 5_000 })
            .map((n) => '{"rows":'.repeat(n) + "1" + "}".repeat(n)),
          fc
            .integer({ min: 10_000, max: 1_500_000 })
            .map((n) =>
              JSON.stringify({ template: "stat-3", unit: "H1", header: { head: "长".repeat(n) } })
            ),
          fc.constantFrom("NaN", "Infinity", "-Infinity", "1e309", "-0", "0x10", "１２").map((v) =>
            JSON.stringify({
              template: "stat-3",
              templateVersion: 1,
              period: "2021-07",
              unit: "H1",
              header: {},
              rows: [{ key: "public.g2", cells: { c1: v, c10: v } }],
            }).replace(`"${v}"`, v)
          ),
          fc
            .constantFrom("\ud800", "\udfff", "\u202e", "\u200b", "\ufeff", "e\u0301")
            .map(
              (u) =>
                `{"template":"stat-3","templateVersion":1,"period":"2021-07","unit":"H1${u}","header":{"head":"${u}"},"rows":[{"key":"public.g2${u}","cells":{"c14":"${u}"}}]}`
            )
        ),
        fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded"),
        fc.constantFrom("/submissions", "/validate"),
        async (payload, type, path) => {
          tried++;
          const before = await count();
          const r = await s.app.inject({
            method: "POST",
            url: `/api/v1${path}`,
            headers: {
              authorization: `Bearer ${s.tokens.H1}`,
              "idempotency-key": randomUUID(),
              "content-type": type,
            },
            payload,
          });
          expect(r.statusCode).toBeLessThan(500);
          const body = r.json() as Record<string, unknown>;
          if (r.statusCode >= 400) expect(typeof body.error).toBe("string");
          if (r.statusCode !== 201) expect(await count()).toBe(before);
        }
      ),
      { numRuns: RUNS }
    );
    expect(tried).toBe(RUNS);
    console.log(`hostile bodies: ${tried} tried against /submissions and /validate, no 5xx`);
  });
});
