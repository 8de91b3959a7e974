import ExcelJS from "exceljs";
import { a1 } from "../../src/core/layout/address";
import { layoutPlan } from "../../src/core/layout/plan";
import { shanghaiDate } from "../../src/core/periods";
import { templates } from "../../src/templates";

/** This month: due next month, so a submission today is on time. */
export const THIS_MONTH = shanghaiDate(new Date()).slice(0, 7);

/** Where a 二级公立 hospital's 表三 cells are in the downloaded template. */
export const stat3Plan = layoutPlan(templates().get("stat-3")!, {
  period: THIS_MONTH,
  tier: "public.g2",
});
export const stat3At = (row: string, col: string): string =>
  a1(stat3Plan.rowIndex[row]!, stat3Plan.colIndex[col]!);
const head = (f: keyof typeof stat3Plan.header): string =>
  a1(stat3Plan.header[f].r, stat3Plan.header[f].c);

/** The downloaded blank 表三 filled outside Excel (exceljs): zeros, `extra`, and the header. */
export async function fillStat3(file: Buffer, extra: Record<string, number>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file as unknown as ArrayBuffer);
  const ws = wb.worksheets.find((w) => w.state === "visible")!;
  for (let i = 1; i <= 13; i++)
    ws.getCell(stat3At("public.g2", `c${i}`)).value = extra[`c${i}`] ?? 0;
  ws.getCell(head("filledOn")).value = new Date(`${shanghaiDate(new Date())}T00:00:00Z`);
  ws.getCell(head("head")).value = "张某";
  ws.getCell(head("preparer")).value = "李某";
  ws.getCell(head("phone")).value = "0772-6815093";
  return Buffer.from(await wb.xlsx.writeBuffer());
}
