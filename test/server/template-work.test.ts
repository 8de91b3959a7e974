import { DOCUMENT_ROWS_MAX } from "../../src/core/schema/document";
import { DOCUMENT_STEPS_MAX, ROW_STEPS_MAX } from "../../src/core/template/work";
import { heavyDefinition, listTable, counts, rulesOfSteps } from "../helpers/heavy-tables";
import {
  createTestDb,
  postJson,
  startTestServer,
  type TestDb,
  type TestServer,
} from "../helpers/server";

/** An admin's table definition is refused at install when checking its documents would hold the server. */
describe.each(["sqlite", "postgres"] as const)(
  "installing a table whose documents would take too much work to check, on %s",
  (kind) => {
    let db: TestDb;
    let s: TestServer;
    beforeAll(async () => {
      db = await createTestDb(kind);
      s = await startTestServer(db.url, { bodyLimit: 4 * 1024 * 1024 });
    });
    afterAll(async () => {
      await s.close();
      await db.drop();
    });

    const install = (def: unknown) => postJson(s, "/templates", def, s.tokens.ADMIN);
    const listed = async (): Promise<string[]> =>
      (
        (await s.app.inject({ method: "GET", url: "/api/v1/templates" })).json().templates as {
          id: string;
        }[]
      ).map((t) => t.id);

    it("the heavy definition (100 rules over 60 columns reading a 960-term column) is refused with 422", async () => {
      const def = heavyDefinition("heavy", 100);
      const r = await install(def);
      expect(r.statusCode).toBe(422);
      expect(r.json()).toMatchObject({
        error: "invalid-template",
        template: "heavy",
        place: "/rules/0/check",
      });
      expect(r.json().detail).toContain(`at most ${ROW_STEPS_MAX}`);
      expect(await listed()).not.toContain("heavy");
    });

    it("a table just over the document bound is refused; one at it is installed and checks a document of the most rows", async () => {
      const perRow = DOCUMENT_STEPS_MAX / DOCUMENT_ROWS_MAX;
      const over = await install(
        listTable("edge", counts(10), rulesOfSteps("edge", perRow + 1, 10))
      );
      expect(over.statusCode).toBe(422);
      expect(over.json().detail).toContain(`${(perRow + 1) * DOCUMENT_ROWS_MAX} steps`);
      expect(await listed()).not.toContain("edge");

      const at = await install(listTable("edge", counts(10), rulesOfSteps("edge", perRow, 10)));
      expect(at.statusCode).toBe(201);
      const ones = Object.fromEntries(counts(10).map((c) => [c.key, 1]));
      const doc = {
        template: "edge",
        templateVersion: 1,
        period: "2021-06",
        unit: "H1",
        header: {},
        rows: Array.from({ length: DOCUMENT_ROWS_MAX }, (_, i) => ({
          key: String(i + 1),
          cells: i === 7 ? { ...ones, c1: -1 } : ones,
        })),
      };
      const r = await s.app.inject({
        method: "POST",
        url: "/api/v1/validate?phase=fill",
        headers: { authorization: `Bearer ${s.tokens.H1}`, "content-type": "application/json" },
        payload: JSON.stringify(doc),
      });
      expect(r.statusCode).toBe(200);
      // Every rule passes on rows of ones; the one negative cell is a type issue, and takes its
      // row out of every rule that reads it.
      expect(r.json().issues).toEqual([
        expect.objectContaining({ rule: "cell.nonnegative", row: "8", col: "c1" }),
      ]);
    });
  }
);
