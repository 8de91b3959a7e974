import ExcelJS from "exceljs";
import { layoutPlan } from "../../src/core/layout/plan";
import type { LayoutPlan } from "../../src/core/layout/types";
import type { SheetDocument } from "../../src/core/schema/document";
import { templates } from "../../src/templates";
import { BINDING_SHEET, writeXlsx } from "../../src/xlsx/write";
import { recalcToCsv } from "../helpers/libreoffice";

const reg = templates();
const SENTINEL_WRONG = 987654;

/** Poisons every cached formula result and adds a sentinel, so only a real recalculation can pass. */
async function poisonCachedResults(xlsx: Buffer, plan: LayoutPlan): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  ws.eachRow((row) =>
    row.eachCell((cell) => {
      const v = cell.value as ExcelJS.CellFormulaValue | null;
      if (v && typeof v === "object" && "formula" in v)
        cell.value = { formula: v.formula, result: SENTINEL_WRONG };
    })
  );
  ws.getCell(plan.rowCount + 2, 1).value = { formula: "6*7", result: SENTINEL_WRONG };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function seeded(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

describe(".xlsx written from the layout plan, recalculated by LibreOffice", () => {
  it.each(["stat-2", "stat-3"])(
    "%s: official labels, and subtotals equal the sums of the values written",
    async (id) => {
      const t = reg.get(id)!;
      const rnd = seeded(id.length * 7);
      const doc: SheetDocument = {
        template: id,
        templateVersion: 1,
        period: "2022-07",
        unit: "DEMO-CTY",
        header: {
          reportingUnit: "示例县卫生健康局",
          filledOn: "2022-08-10",
          preparer: "李某",
          phone: "0772-6815093",
        },
        rows: t.inputRowKeys.map((key) => ({
          key,
          cells: Object.fromEntries(
            t.columns
              .filter((c) => c.numeric && !c.computed)
              .map((c) => [
                c.key,
                c.type === "amount" ? Math.round(rnd() * 10000) / 100 : Math.floor(rnd() * 40),
              ])
          ),
        })),
      };
      const plan = layoutPlan(t, {
        period: doc.period,
        unit: { code: "DEMO-CTY", name: "示例县卫生健康局" },
      });
      const xlsx = await poisonCachedResults(await writeXlsx(plan, { doc }), plan);
      const csv = recalcToCsv(xlsx, id);
      const at = (r: number, c: number): string => csv[r]?.[c] ?? "";
      expect(at(plan.rowCount + 1, 0)).toBe("42"); // the sentinel was recalculated
      const titleRow = plan.cells.find((c) => c.kind === "title")!.r;
      expect(at(titleRow, 0)).toBe(plan.title);
      if (id === "stat-3")
        expect(at(titleRow, 0)).toBe("2022年深入整治医疗领域腐败和作风问题工作情况统计表（三）");
      for (const col of t.columns) {
        const c = plan.colIndex[col.key]!;
        const headerText = csv
          .slice(plan.headerRows[0], plan.headerRows[1])
          .map((r) => r[c])
          .join("|");
        expect(headerText).toContain(col.label);
      }
      const value = (row: string, col: string): number =>
        (doc.rows.find((r) => r.key === row)?.cells[col] as number | undefined) ?? 0;
      const sumOf = (rows: string[], col: string): number =>
        rows.reduce((s, r) => s + value(r, col), 0);
      const pub = ["public.g3", "public.g2", "public.g1"];
      const pri = ["private.g3", "private.g2", "private.g1"];
      for (const col of t.columns.filter((c) => c.numeric)) {
        const cell = (row: string): number =>
          Number(at(plan.rowIndex[row]!, plan.colIndex[col.key]!));
        const of = (rows: string[]): number =>
          col.computed
            ? rows.reduce((s, r) => s + value(r, "c12") + value(r, "c13") + value(r, "c14"), 0)
            : sumOf(rows, col.key);
        expect(cell("public")).toBeCloseTo(of(pub), 6);
        expect(cell("private")).toBeCloseTo(of(pri), 6);
        expect(cell("all")).toBeCloseTo(of([...pub, ...pri]), 6);
        if (col.computed) for (const r of t.inputRowKeys) expect(cell(r)).toBeCloseTo(of([r]), 6);
      }
      expect(
        csv.some((r) => r.join("").includes("填报单位：") && r.includes("示例县卫生健康局"))
      ).toBe(true);
    },
    120000
  );

  it("stat-1: the 合计 row sums the unit rows", async () => {
    const t = reg.get("stat-1")!;
    const units = [
      { key: "D1", name: "党建办" },
      { key: "D2", name: "医政体改和中医股" },
      { key: "H1", name: "示例县人民医院" },
    ];
    const doc: SheetDocument = {
      template: "stat-1",
      templateVersion: 1,
      period: "2021-07",
      unit: "CTY",
      header: {},
      rows: units.map((u, i) => ({
        key: u.key,
        cells: {
          name: u.name,
          ...Object.fromEntries(
            Array.from({ length: 11 }, (_, k) => [`c${k + 1}`, (i + 1) * (k + 2)])
          ),
        },
      })),
    };
    const plan = layoutPlan(t, { period: "2021-07", listRows: units });
    const csv = recalcToCsv(
      await poisonCachedResults(await writeXlsx(plan, { doc }), plan),
      "stat1"
    );
    const totalRow = csv[plan.rowIndex.total!]!;
    expect(totalRow[plan.colIndex.name!]).toBe("合计");
    for (let k = 1; k <= 11; k++)
      expect(Number(totalRow[plan.colIndex[`c${k}`]!])).toBe((1 + 2 + 3) * (k + 1));
    expect(csv[plan.rowIndex.D2!]![plan.colIndex.name!]).toBe("医政体改和中医股");
  }, 120000);

  it("binds the workbook in a very hidden sheet, locks computed cells and protects the sheet", async () => {
    const t = reg.get("stat-3")!;
    const plan = layoutPlan(t, {
      period: "2021-07",
      unit: { code: "DEMO-H02", name: "示例县人民医院" },
      tier: "public.g2",
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await writeXlsx(plan)) as unknown as ArrayBuffer);
    const binding = wb.getWorksheet(BINDING_SHEET)!;
    expect(binding.state).toBe("veryHidden");
    expect(binding.getCell("B1").value).toBe("stat-3");
    expect(binding.getCell("B5").value).toBe(plan.fingerprint);
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe("表三 2021-07");
    const sub = ws.getCell(plan.rowIndex.public! + 1, plan.colIndex.c1! + 1);
    expect((sub.value as ExcelJS.CellFormulaValue).formula).toBe("D10+D11+D12");
    // Locked is the OOXML default (absent = locked); an input cell says unlocked explicitly.
    expect(sub.protection?.locked ?? true).toBe(true);
    const input = ws.getCell(plan.rowIndex["public.g2"]! + 1, plan.colIndex.c1! + 1);
    expect(input.protection?.locked).toBe(false);
    // A count: a whole number from 0 to the template's bound (cell.too-large).
    expect(input.dataValidation?.type).toBe("custom");
    expect(String(input.dataValidation?.formulae?.[0])).toMatch(/=INT\(\w+\),\w+<=1000000\)$/);
    expect(
      (ws as unknown as { sheetProtection?: { sheet?: boolean } }).sheetProtection?.sheet
    ).toBe(true);
  });
});
