import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createTestDb, postJson, startTestServer, type TestServer } from "../helpers/server";

/**
 * Labels have no length bound. A 170 kB definition (64 count columns labelled with 2,500
 * characters each, 200 rows) installs; the work bounds of docs/table-limits.md count steps of
 * rules, not the text every issue and every cell's validation repeats. Then `/validate` of an
 * empty document answers 97 MB (12,800 cell.required issues, each naming its column), built on
 * the thread that answers everyone: twelve at once held /health for 11 s and took the server to
 * 2.9 GB; and the table's own blank .xlsx unpacks to 100 MB, so `/uploads` refuses the file the
 * server itself made ("文件解压后超过 16 MB").
 */
const SAMPLE = JSON.parse(
  readFileSync(join(__dirname, "..", "..", "examples", "jkfp", "jkfp-1.json"), "utf8")
) as Record<string, unknown>;

const LONG = "标".repeat(2500);
const def = {
  ...SAMPLE,
  id: "long-labels",
  tierLocked: false,
  stub: { header: "项目", width: 1 },
  columns: Array.from({ length: 64 }, (_, i) => ({ key: `c${i + 1}`, label: LONG, type: "count" })),
  rows: Array.from({ length: 200 }, (_, i) => ({ key: `r${i}`, label: [`第${i + 1}行`] })),
  rules: [],
};

const emptyDoc = {
  template: "long-labels",
  templateVersion: 1,
  period: "2021-07",
  unit: "H1",
  header: {},
  rows: [],
};

describe("a table whose labels are 2,500 characters long", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer((await createTestDb("sqlite")).url);
  });
  afterAll(async () => s.close());

  let installed = false;
  test("is refused at install (422) or installed (201)", async () => {
    const install = await postJson(s, "/templates", def, s.tokens.ADMIN);
    expect([201, 422]).toContain(install.statusCode);
    installed = install.statusCode === 201;
  });

  test("if installed, /validate of an empty document answers less than 10 MB", async () => {
    if (!installed) return;
    const validate = await postJson(s, "/validate", emptyDoc);
    expect(validate.statusCode).toBe(200);
    expect(validate.rawPayload.length).toBeLessThan(10 * 2 ** 20);
  });

  test("if installed, its own blank .xlsx is accepted back by /uploads", async () => {
    if (!installed) return;

    const blank = await s.app.inject({
      method: "GET",
      url: "/api/v1/template.xlsx?template=long-labels&period=2021-07",
      headers: { authorization: `Bearer ${s.tokens.H1}` },
    });
    expect(blank.statusCode).toBe(200);
    const upload = await s.app.inject({
      method: "POST",
      url: "/api/v1/uploads?template=long-labels&period=2021-07",
      headers: {
        authorization: `Bearer ${s.tokens.H1}`,
        "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      },
      payload: blank.rawPayload,
    });
    expect([upload.statusCode, upload.json()]).toEqual([200, expect.anything()]);
  }, 120_000);
});
