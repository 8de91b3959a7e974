import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createTestDb, postJson, startTestServer, type TestServer } from "../helpers/server";

/**
 * A column key is any name that starts with a letter, so `constructor`, `toString` or `valueOf`
 * install. The engine then reads a row's cell as `cells[key]`: a document that leaves that cell
 * blank (no own property) gets Object.prototype's function, which is judged invalid and then
 * shown with JSON.stringify (undefined for a function), and `/validate` and `/submissions`
 * answer 500 on every filled document of the table.
 */
const SAMPLE = JSON.parse(
  readFileSync(join(__dirname, "..", "..", "examples", "jkfp", "jkfp-1.json"), "utf8")
) as { columns: { key: string }[] } & Record<string, unknown>;

const doc = {
  template: "jkfp-1",
  templateVersion: 1,
  period: "2021-06",
  unit: "H1",
  header: {
    reportingUnit: "示例县人民医院",
    filledOn: "2021-07-05",
    preparer: "李某",
    phone: "13800000000",
  },
  rows: [{ key: "public.g2", cells: { c1: 3, c2: 2, c3: 4, c4: 4, c5: 1, c6: 0 } }],
};

describe.each(["constructor", "toString", "valueOf", "hasOwnProperty"])(
  "a table whose text column is keyed %s",
  (key) => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer((await createTestDb("sqlite")).url);
    });
    afterAll(async () => s.close());

    test("is refused at install, naming the key's place", async () => {
      const def = JSON.parse(JSON.stringify(SAMPLE)) as typeof SAMPLE;
      def.columns.find((c) => c.key === "c10")!.key = key;
      const install = await postJson(s, "/templates", def, s.tokens.ADMIN);
      const index = def.columns.findIndex((c) => c.key === key);
      expect([install.statusCode, install.json().error, install.json().place]).toEqual([
        422,
        "invalid-template",
        `/columns/${index}/key`,
      ]);
      // Nothing was installed: the table's documents are not accepted either.
      expect((await postJson(s, "/validate", doc)).statusCode).toBe(404);
    });
  }
);
