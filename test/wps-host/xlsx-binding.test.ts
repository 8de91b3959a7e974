import ExcelJS from "exceljs";
import JSZip from "jszip";
import { layoutPlan } from "../../src/core/layout/plan";
import { BINDING_NAME } from "../../src/core/sheet/binding-name";
import { templates } from "../../src/templates";
import { writeXlsx } from "../../src/xlsx/write";
import { WorkbookState } from "../excel-host/state";
import { HOSTS, openOn } from "./drive";

/**
 * A blank .xlsx downloaded from the server's page, opened in Excel or WPS 表格 with the add-in:
 * recognised as (template, period, unit) by the binding name both add-ins read. The file is
 * loaded into the emulated workbook as a spreadsheet program would open it (cells, formulas,
 * protection, the sheet's defined names).
 */
async function openXlsx(buffer: Buffer): Promise<WorkbookState> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  const state = new WorkbookState();
  const ws = wb.worksheets[0]!;
  const sheet = state.addSheet(ws.name);
  state.deleteSheet(state.sheets[0]!);
  state.batch(() =>
    ws.eachRow({ includeEmpty: true }, (row, r) =>
      row.eachCell({ includeEmpty: true }, (cell, c) => {
        const v = cell.value as unknown;
        const content =
          v && typeof v === "object" && "formula" in v
            ? `=${(v as { formula: string }).formula}`
            : v instanceof Date
              ? v.toISOString().slice(0, 10)
              : v;
        // The cell's own settings come with the file: number format, lock, data validation.
        sheet.editFormat(r - 1, c - 1, (f) => {
          if (cell.numFmt) f.numberFormat = cell.numFmt;
          if (cell.protection?.locked === false) f.locked = false;
        });
        const rule = excelRule(cell.dataValidation);
        if (rule)
          sheet.validations.push({ area: { r1: r - 1, c1: c - 1, r2: r - 1, c2: c - 1 }, rule });
        if (content !== null && content !== undefined) state.write(sheet, r - 1, c - 1, content);
      })
    )
  );
  sheet.protection = { protected: true, options: {} };
  const xml = await (await JSZip.loadAsync(buffer)).file("xl/workbook.xml")!.async("string");
  for (const m of xml.matchAll(
    /<definedName name="([^"]+)" localSheetId="0"( hidden="1")?>([^<]*)<\/definedName>/g
  ))
    sheet.names.set(m[1]!.toLowerCase(), {
      name: m[1]!,
      refersTo: `=${m[3]!.replace(/&quot;/g, '"')}`,
      visible: !m[2],
    });
  return state;
}

/** An .xlsx data validation as Office.js describes it (the type is what the add-in reads back). */
function excelRule(dv: ExcelJS.DataValidation | undefined): Excel.DataValidationRule | null {
  if (!dv) return null;
  const f1 = dv.formulae?.[0] as unknown;
  const basic = {
    formula1: f1 as number,
    operator: "GreaterThanOrEqualTo",
  } as Excel.BasicDataValidation;
  switch (dv.type) {
    case "whole":
      return { wholeNumber: basic };
    case "decimal":
      return { decimal: basic };
    case "textLength":
      return { textLength: { ...basic, operator: "LessThanOrEqualTo" } };
    case "date":
      return { date: { formula1: String(f1), operator: "GreaterThanOrEqualTo" } };
    case "list":
      return { list: { inCellDropDown: true, source: String(f1).replace(/^"|"$/g, "") } };
    case "custom":
      return { custom: { formula: `=${String(f1)}` } };
    default:
      return null;
  }
}

describe.each(HOSTS)("%s", (kind) => {
  it("recognises the blank .xlsx of 表三 as (template, period, unit, tier), layout intact", async () => {
    const plan = layoutPlan(templates().get("stat-3")!, {
      period: "2021-07",
      unit: { code: "DEMO-H02", name: "示例县人民医院" },
      tier: "public.g2",
    });
    const file = await writeXlsx(plan, { tier: "public.g2" });
    const d = await openOn(kind, { workbook: await openXlsx(file) });
    const [found] = d.session.sheets();
    expect(found?.binding).toMatchObject({
      template: "stat-3",
      period: "2021-07",
      unit: { code: "DEMO-H02" },
      tier: "public.g2",
      fingerprint: plan.fingerprint,
    });
    expect(found!.problems).toEqual([]);
  });
});

it("the name is hidden and scoped to the table's sheet; every download gets its own binding id", async () => {
  const plan = layoutPlan(templates().get("stat-2")!, {
    period: "2021-07",
    unit: { code: "CTY", name: "示例县" },
    tier: null,
  });
  const ids = [];
  for (let i = 0; i < 2; i++) {
    const state = await openXlsx(await writeXlsx(plan));
    const name = state.sheets[0]!.names.get(BINDING_NAME.toLowerCase())!;
    expect(name.visible).toBe(false);
    ids.push(name.refersTo.split(";")[1]);
  }
  expect(ids[0]).not.toBe(ids[1]);
});
