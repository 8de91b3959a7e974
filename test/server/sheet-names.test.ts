import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { XLSX_TYPE } from "../../src/server/xlsx-files";
import { createTestDb, startTestServer, type TestDb, type TestServer } from "../helpers/server";

/**
 * An installed table's short name names the sheet of every .xlsx of it. Whatever it holds (a
 * slash, a leading quote, the characters Excel refuses, more than 31 characters), every .xlsx
 * of the table is a 200 and a workbook that opens, with its sheet, binding and print titles.
 */

const SAMPLE = readFileSync(join(__dirname, "..", "..", "examples", "jkfp", "jkfp-1.json"), "utf8");

/** The sample table under another id (its rules' ids follow it) and short name. */
const definition = (id: string, shortName: string) => ({
  ...(JSON.parse(SAMPLE.replaceAll('"jkfp-1', `"${id}`)) as Record<string, unknown>),
  shortName: { "zh-CN": shortName, "en-US": "Odd" },
});

const SHORT_NAMES = [
  "健康扶贫表（2026/2027）",
  "'引号开头的表",
  "It's a table'",
  "问卷[一]:*?\\/表",
  "健康扶贫领域腐败和作风问题专项治理自查整改情况统计表",
  "History",
];

const P = "2021-06";

describe("tables whose short names Excel would refuse as sheet names", () => {
  let db: TestDb;
  let s: TestServer;
  beforeAll(async () => {
    db = await createTestDb("sqlite");
    s = await startTestServer(db.url, { now: () => new Date("2021-07-05T02:00:00Z") });
    for (const [i, name] of SHORT_NAMES.entries()) {
      const r = await get("POST", "/templates", s.tokens.ADMIN, definition(`odd-${i}`, name));
      expect([r.statusCode, r.json()]).toEqual([201, expect.objectContaining({ id: `odd-${i}` })]);
    }
  });
  afterAll(async () => {
    await s.close();
    await db.drop();
  });

  function get(method: "GET" | "POST", url: string, token: string, payload?: unknown) {
    return s.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: {
        authorization: `Bearer ${token}`,
        ...(url === "/submissions" ? { "idempotency-key": randomUUID() } : {}),
      },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  }

  /** The answer is an .xlsx that opens: its visible sheet, the binding, the print titles. */
  async function expectWorkbook(r: { statusCode: number; rawPayload: Buffer; body: string }) {
    expect([r.statusCode, r.statusCode === 200 ? "" : r.body]).toEqual([200, ""]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const visible = wb.worksheets.filter((w) => w.state === "visible");
    expect(visible).toHaveLength(1);
    const sheet = visible[0]!;
    expect(sheet.name.length).toBeLessThanOrEqual(31);
    expect(sheet.name).not.toMatch(/[\\/?*[\]:]|^'|'$/);
    expect(sheet.pageSetup.printTitlesRow).toBeTruthy();
    expect(wb.getWorksheet("_tianbao")).toBeDefined();
    // The print titles name the sheet in a formula, where a quote in the name must be doubled.
    const xml = await (
      await JSZip.loadAsync(r.rawPayload)
    )
      .file("xl/workbook.xml")!
      .async("string");
    const titles = /<definedName name="_xlnm.Print_Titles"[^>]*>([^<]*)</.exec(xml)![1]!;
    const text = titles.replaceAll("&apos;", "'");
    expect(text.slice(0, text.lastIndexOf("!") + 1)).toBe(`'${sheet.name.replaceAll("'", "''")}'!`);
    return { wb, sheet };
  }

  it.each(SHORT_NAMES.map((n, i) => [n, i] as const))(
    "%s: the blank table, a stored version and the consolidation are workbooks",
    async (name, i) => {
      const id = `odd-${i}`;
      const blank = await get("GET", `/template.xlsx?template=${id}&period=${P}`, s.tokens.H1);
      const { sheet } = await expectWorkbook(blank);
      expect(sheet.name.replace(/[／＼？＊［］：’]/g, "?")).toBe(
        `${name} ${P}`.replace(/[/\\?*[\]:']/g, "?").slice(0, 31)
      );

      // The file goes back in as the table it is.
      const upload = await s.app.inject({
        method: "POST",
        url: `/api/v1/uploads?period=${P}&template=${id}`,
        headers: { authorization: `Bearer ${s.tokens.H1}`, "content-type": XLSX_TYPE },
        payload: blank.rawPayload,
      });
      expect([upload.statusCode, upload.json().document?.template]).toEqual([200, id]);

      const sent = await get("POST", "/submissions", s.tokens.H1, {
        template: id,
        templateVersion: 1,
        period: P,
        unit: "H1",
        header: {
          reportingUnit: "示例县人民医院",
          filledOn: "2021-07-05",
          preparer: "李某",
          phone: "13800000000",
        },
        rows: [{ key: "public.g2", cells: { c1: 3, c2: 2, c3: 4, c4: 4, c5: 1, c6: 0 } }],
      });
      expect(sent.statusCode).toBe(201);
      await expectWorkbook(
        await get("GET", `/submissions/${sent.json().id}?format=xlsx`, s.tokens.H1)
      );
      await expectWorkbook(
        await get(
          "GET",
          `/consolidated?template=${id}&period=${P}&unit=CTY&format=xlsx`,
          s.tokens.CTY
        )
      );
    }
  );
});
