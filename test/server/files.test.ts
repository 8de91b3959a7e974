import ExcelJS from "exceljs";
import { a1 } from "../../src/core/layout/address";
import { layoutPlan } from "../../src/core/layout/plan";
import { templates } from "../../src/templates";
import { manyRows } from "../helpers/hostile-xlsx";
import {
  createTestDb,
  postJson,
  startTestServer,
  type TestDb,
  type TestServer,
} from "../helpers/server";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
let s: TestServer;

const plan = layoutPlan(templates().get("stat-3")!, { period: "2021-07", tier: "public.g2" });
const at = (row: string, col: string) => a1(plan.rowIndex[row]!, plan.colIndex[col]!);
const head = (f: keyof typeof plan.header) => a1(plan.header[f].r, plan.header[f].c);

async function download(token: string, period = "2021-07"): Promise<Buffer> {
  const r = await s.app.inject({
    method: "GET",
    url: `/api/v1/template.xlsx?template=stat-3&period=${period}`,
    headers: { authorization: `Bearer ${token}` },
  });
  expect(r.statusCode).toBe(200);
  expect(r.headers["content-type"]).toBe(XLSX);
  return r.rawPayload;
}

/** Fills the downloaded template as a user would in WPS or LibreOffice. */
async function fill(file: Buffer, values: Record<string, ExcelJS.CellValue>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file as unknown as ArrayBuffer);
  const ws = wb.worksheets.find((w) => w.state === "visible")!;
  for (const [address, v] of Object.entries(values)) ws.getCell(address).value = v;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const upload = (token: string, body: Buffer | string, type = XLSX, query = "period=2021-07") =>
  s.app.inject({
    method: "POST",
    url: `/api/v1/uploads?${query}`,
    headers: { authorization: `Bearer ${token}`, "content-type": type },
    payload: body,
  });

const filled = (extra: Record<string, number>) => ({
  ...Object.fromEntries(Array.from({ length: 13 }, (_, i) => [at("public.g2", `c${i + 1}`), 0])),
  ...Object.fromEntries(Object.entries(extra).map(([c, v]) => [at("public.g2", c), v])),
  [head("filledOn")]: new Date("2021-08-05T00:00:00Z"),
  [head("head")]: "张某",
  [head("preparer")]: "李某",
  [head("phone")]: "0772-6815093",
});

describe.each(["sqlite", "postgres"] as const)("files on %s", (kind) => {
  let db: TestDb;
  beforeEach(async () => {
    db = await createTestDb(kind);
    s = await startTestServer(db.url);
  });
  afterEach(async () => {
    await s.close();
    await db.drop();
  });

  it("a unit without the add-in: download, fill, upload, see the broken rule on its cell, fix it", async () => {
    const blank = await download(s.tokens.H1);
    const broken = await upload(s.tokens.H1, await fill(blank, filled({ c10: 1.5 })));
    expect(broken.statusCode).toBe(200);
    const issues = broken.json().issues as { rule: string; address: string; message: string }[];
    expect(issues.map((i) => [i.rule, i.address])).toEqual([
      ["stat-3.c10-needs-c8", at("public.g2", "c10")],
    ]);
    expect(issues[0]!.message).toBe("查处收受回扣案件涉案金额大于0，但案件起数为0");

    const fixed = await upload(s.tokens.H1, await fill(blank, filled({ c10: 1.5, c8: 1, c9: 1 })));
    expect(fixed.json().issues).toEqual([]);
    const doc = fixed.json().document as {
      unit: string;
      rows: { key: string; cells: Record<string, unknown> }[];
    };
    expect(doc.unit).toBe("H1");
    expect(doc.rows.find((r) => r.key === "public.g2")!.cells).toMatchObject({
      c8: 1,
      c9: 1,
      c10: 1.5,
    });
  });

  it("refusals are precise and store nothing", async () => {
    expect((await upload("nope", Buffer.from("x"))).statusCode).toBe(401);
    const text = await upload(s.tokens.H1, Buffer.from("单位,警示教育"));
    expect([text.statusCode, text.json().error]).toEqual([422, "unreadable-file"]);
    const wrongType = await upload(s.tokens.H1, "{}", "application/json");
    expect(wrongType.statusCode).toBe(415);
    const noPeriod = await s.app.inject({
      method: "POST",
      url: "/api/v1/uploads",
      headers: { authorization: `Bearer ${s.tokens.H1}`, "content-type": XLSX },
      payload: Buffer.from("x"),
    });
    expect(noPeriod.statusCode).toBe(400);
    const n = await s.store.db
      .selectFrom("submissions")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(0);
  });

  it("every blank .xlsx and the consolidated one carry the period line and the year's title", async () => {
    const texts = async (url: string, token: string): Promise<string[]> => {
      const r = await s.app.inject({
        method: "GET",
        url: `/api/v1${url}`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(r.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
      const out: string[] = [];
      wb.worksheets
        .find((w) => w.state === "visible")!
        .eachRow((row) => row.eachCell((c) => out.push(String(c.value))));
      return out;
    };
    for (const [template, token, line] of [
      ["stat-1", s.tokens.H1, "统计时段：2021年1月至7月"],
      ["stat-2", s.tokens.CTY, "统计时段：2021年1月至7月"],
      ["stat-3", s.tokens.H1, "统计时段：2021年1月至7月"],
      ["ledger", s.tokens.H1, "统计时段：2021年7月"],
    ] as const) {
      const blank = await texts(`/template.xlsx?template=${template}&period=2021-07`, token);
      expect(blank).toContain(line);
      // The title (merged over the row, so read once per cell) is the one text with the year first.
      expect(new Set(blank.filter((x) => x.startsWith("2021年"))).size).toBe(1);
    }
    const consolidated = await texts(
      "/consolidated?template=stat-3&period=2021-07&unit=CTY&format=xlsx",
      s.tokens.CTY
    );
    expect(consolidated).toContain("统计时段：2021年1月至7月");
  });

  it("a hospital's stat-1 template has its own row with its registry name, fillable, on the protected sheet", async () => {
    const r = await s.app.inject({
      method: "GET",
      url: "/api/v1/template.xlsx?template=stat-1&period=2021-07",
      headers: { authorization: `Bearer ${s.tokens.H1}` },
    });
    expect(r.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets.find((w) => w.state === "visible")!;
    const own = layoutPlan(templates().get("stat-1")!, {
      period: "2021-07",
      listRows: [{ key: "H1", name: "示例县人民医院" }],
    });
    const ownCell = (col: string) => a1(own.rowIndex.H1!, own.colIndex[col]!);
    expect(ws.getCell(ownCell("name")).value).toBe("示例县人民医院");
    expect(ws.getCell(ownCell("c1")).protection?.locked).toBe(false);
    // Its code is kept out of sight: no cell shows it.
    const texts: string[] = [];
    ws.eachRow((row) => row.eachCell((c) => texts.push(String(c.value))));
    expect(texts.some((x) => x.includes("H1") && !x.startsWith("="))).toBe(false);
    // Filled and uploaded, it is read as the hospital's own row: no foreign row.
    ws.getCell(ownCell("c1")).value = 3;
    ws.getCell(ownCell("c2")).value = 1;
    const up = await upload(
      s.tokens.H1,
      Buffer.from(await wb.xlsx.writeBuffer()),
      XLSX,
      "period=2021-07&template=stat-1"
    );
    expect(up.statusCode).toBe(200);
    const rows = (up.json().document as { rows: { key: string; cells: Record<string, unknown> }[] })
      .rows;
    expect(rows.find((x) => x.key === "H1")?.cells).toMatchObject({
      name: "示例县人民医院",
      c1: 3,
    });
    expect((up.json().issues as { rule: string }[]).map((i) => i.rule)).not.toContain(
      "stat-1.foreign-row"
    );
  });

  it("a county's stat-1 template lists the units below it", async () => {
    const r = await s.app.inject({
      method: "GET",
      url: "/api/v1/template.xlsx?template=stat-1&period=2021-07",
      headers: { authorization: `Bearer ${s.tokens.CTY}` },
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const texts: string[] = [];
    wb.worksheets[0]!.eachRow((row) => row.eachCell((c) => texts.push(String(c.value))));
    expect(texts).toEqual(expect.arrayContaining(["党建办", "示例县人民医院", "仁和医院"]));
  });

  it("the file name survives any unit name: filename* holds only RFC 8187 characters and escapes, and reads back as the name", async () => {
    const { unitInput, upsertUnits } = await import("../../src/server/units");
    const name = "仁和医院(东院) 'A*B'\r\nX: \"y\"";
    await upsertUnits(s.store.db, [unitInput("H2", name, "hospital", "CTY", "private", "1")]);
    const r = await s.app.inject({
      method: "GET",
      url: "/api/v1/template.xlsx?template=stat-3&period=2021-07",
      headers: { authorization: `Bearer ${s.tokens.H2}` },
    });
    expect(r.statusCode).toBe(200);
    const header = String(r.headers["content-disposition"]);
    const ext = /; filename\*=UTF-8''(.*)$/.exec(header)?.[1];
    // attr-char (RFC 8187 §3.2.1) or a %XX escape, nothing else: no quote, parenthesis or star.
    expect(ext).toMatch(/^(?:[A-Za-z0-9!#$&+\-.^_`|~]|%[0-9A-F]{2})+$/);
    expect(decodeURIComponent(ext!)).toBe(`${name}-表三 2021-07.xlsx`);
    expect(header.startsWith('attachment; filename="template.xlsx"; ')).toBe(true);
  });

  it("a blank cell with a note too long for a 说明 is still blank: cell.required beside cell.note-too-long", async () => {
    const blank = await download(s.tokens.H1);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await fill(blank, filled({}))) as unknown as ArrayBuffer);
    const cell = wb.worksheets.find((w) => w.state === "visible")!.getCell(at("public.g2", "c2"));
    cell.value = null;
    cell.note = "核".repeat(600);
    const r = await upload(s.tokens.H1, Buffer.from(await wb.xlsx.writeBuffer()));
    expect(r.statusCode).toBe(200);
    const onCell = (r.json().issues as { rule: string; row: string; col: string }[])
      .filter((i) => i.row === "public.g2" && i.col === "c2")
      .map((i) => i.rule)
      .sort();
    expect(onCell).toEqual(["cell.note-too-long", "cell.required"]);
  });

  it("an input cell holding a formula is cell.formula on that cell; its cached result is not taken", async () => {
    const blank = await download(s.tokens.H1);
    const file = await fill(blank, {
      ...filled({}),
      [at("public.g2", "c2")]: { formula: "0*1", result: 85 },
      [at("public.g2", "c14")]: {
        formula: 'HYPERLINK("http://example.com","已整改")',
        result: "已整改",
      },
    });
    const r = await upload(s.tokens.H1, file);
    expect(r.statusCode).toBe(200);
    const readIssues = (r.json().issues as { rule: string }[]).filter(
      (i) => i.rule === "cell.formula"
    );
    expect(readIssues).toEqual([
      {
        rule: "cell.formula",
        severity: "error",
        row: "public.g2",
        col: "c2",
        message: "输入单元格不能含公式，请直接填写数值",
        address: at("public.g2", "c2"),
      },
      {
        rule: "cell.formula",
        severity: "error",
        row: "public.g2",
        col: "c14",
        message: "输入单元格不能含公式，请直接填写数值",
        address: at("public.g2", "c14"),
      },
    ]);
    const row = (
      r.json().document as { rows: { key: string; cells: Record<string, unknown> }[] }
    ).rows.find((x) => x.key === "public.g2")!;
    expect(row.cells.c2).toBeUndefined();
    expect(row.cells.c14).toBeUndefined();
    expect(row.cells.c1).toBe(0);
  });

  it("a file whose formulas carry no saved result (openpyxl) still gives the collector its 合计 and 小计, computed from the inputs", async () => {
    const blank = await download(s.tokens.H1);
    const file = await fill(blank, {
      ...filled({ c1: 4, c2: 2, c3: 30 }),
      // A formula without a cached value, as openpyxl writes it, and one whose cached value lies.
      [at("all", "c1")]: {
        formula: plan.cells
          .find((c) => c.bind?.row === "all" && c.bind.col === "c1")!
          .formula!.slice(1),
      },
      [at("public", "c3")]: { formula: "0", result: 999 },
    });
    const checked = await upload(s.tokens.H1, file);
    expect(checked.statusCode).toBe(200);
    const document = checked.json().document as {
      rows: { key: string; cells: Record<string, unknown> }[];
    };
    const posted = await postJson(s, "/submissions", document);
    expect(posted.statusCode).toBe(201);
    const seen = await s.app.inject({
      method: "GET",
      url: `/api/v1/submissions/${posted.json().id}`,
      headers: { authorization: `Bearer ${s.tokens.CTY}` },
    });
    const rows = (seen.json().document as typeof document).rows;
    const cell = (row: string, col: string) => rows.find((r) => r.key === row)?.cells[col];
    expect([cell("all", "c1"), cell("public", "c1"), cell("private", "c1")]).toEqual([4, 4, 0]);
    expect([cell("all", "c3"), cell("public", "c3")]).toEqual([30, 30]);
  });

  it("a document sent without its computed cells is stored with them", async () => {
    const doc = {
      template: "stat-3",
      templateVersion: 1,
      period: "2021-07",
      unit: "H1",
      header: { reportingUnit: "示例县人民医院", preparer: "李某", phone: "0772-6815093" },
      rows: [
        {
          key: "public.g2",
          cells: Object.fromEntries(
            Array.from({ length: 13 }, (_, i) => [`c${i + 1}`, i === 0 ? 7 : 0])
          ),
        },
      ],
    };
    const posted = await postJson(s, "/submissions", doc);
    expect(posted.statusCode).toBe(201);
    const seen = await s.app.inject({
      method: "GET",
      url: `/api/v1/submissions/${posted.json().id}`,
      headers: { authorization: `Bearer ${s.tokens.CTY}` },
    });
    const rows = seen.json().document.rows as { key: string; cells: Record<string, unknown> }[];
    expect(rows.find((r) => r.key === "all")?.cells.c1).toBe(7);
    expect(rows.find((r) => r.key === "private")?.cells.c1).toBe(0);
  });

  it.each([
    ["an indexed external book", "[1]Sheet1!A1"],
    ["a named external book", "'[预算.xlsx]Sheet1'!A1"],
  ])("a formula referring to %s is 422 external-links", async (_name, formula) => {
    const blank = await download(s.tokens.H1);
    const file = await fill(blank, {
      ...filled({}),
      [at("public.g2", "c2")]: { formula, result: 7 },
    });
    const r = await upload(s.tokens.H1, file);
    expect(r.statusCode).toBe(422);
    expect(r.json()).toEqual({
      error: "external-links",
      message: expect.stringMatching(/外部链接/),
    });
  });

  it("a file of another month, table or unit is 422 file-mismatch with what it is", async () => {
    const october = await fill(await download(s.tokens.H1, "2021-10"), filled({}));
    const month = await upload(s.tokens.H1, october, XLSX, "period=2021-09&template=stat-3");
    expect(month.statusCode).toBe(422);
    expect(month.json()).toEqual({
      error: "file-mismatch",
      expected: { template: "stat-3", period: "2021-09", unit: "H1" },
      found: { template: "stat-3", period: "2021-10", unit: "H1" },
      message: "这是表三 2021年10月的文件，但您选择的是 2021年9月",
    });
    const table = await upload(s.tokens.H1, october, XLSX, "period=2021-10&template=stat-1");
    expect([table.statusCode, table.json().error, table.json().message]).toEqual([
      422,
      "file-mismatch",
      "这是表三 2021年10月的文件，但您选择的是 表一 2021年10月",
    ]);
    const unit = await upload(s.tokens.H2, october, XLSX, "period=2021-10");
    expect(unit.statusCode).toBe(422);
    expect(unit.json()).toMatchObject({
      error: "file-mismatch",
      expected: { template: "stat-3", period: "2021-10", unit: "H2" },
      found: { template: "stat-3", period: "2021-10", unit: "H1" },
    });
    // H2 may not read H1: the file is said to be another unit's, without naming it.
    expect(unit.json().message).toMatch(/^这是另一个单位的.*仁和医院/);
    expect(unit.body).not.toContain("示例县人民医院");
    // A file made by someone else says only its title's table and year.
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("Sheet1").getCell("A1").value =
      "2020年深入整治医疗领域腐败和作风问题工作情况统计表（三）";
    const other = await upload(s.tokens.H1, Buffer.from(await wb.xlsx.writeBuffer()));
    expect(other.json()).toMatchObject({
      error: "file-mismatch",
      found: { template: "stat-3", year: 2020 },
      message: "这是表三 2020年的文件，但您选择的是 2021年7月",
    });
    const right = await upload(s.tokens.H1, october, XLSX, "period=2021-10&template=stat-3");
    expect(right.statusCode).toBe(200);
  });

  it("a 100,000-row upload is refused by its row count, before the sheet is parsed", async () => {
    const r = await upload(s.tokens.H1, await manyRows(100_000));
    expect(r.statusCode).toBe(422);
    expect(r.json()).toEqual({
      error: "unreadable-file",
      message: "工作表有 100001 行，超过统计表最多的 5000 行，文件未读取",
      detail: "工作表有 100001 行，超过统计表最多的 5000 行，文件未读取",
    });
  });
});
