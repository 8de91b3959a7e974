import {
  BINDING_PREFIX,
  BINDING_PROPERTY,
  parseBinding,
  type Binding,
} from "../core/sheet/binding";
import type { Explanation } from "../core/schema/document";
import type { SheetValue } from "../core/sheet/grid";
import type { Capabilities } from "./capabilities";
import type { BoundSheet, LayoutCheck, WorkbookScan } from "./host";

/**
 * Finds the sheets this add-in made. The sheet's custom property (ExcelApi 1.12) is the primary
 * key. A binding found only in the workbook's settings (ExcelApi 1.4; a file made in an Excel
 * without custom properties) names a sheet id and a name, and neither is proof: a sheet id is
 * "constant within a single session" only (office-js #1390, office-js-docs #297: reopened, the
 * sheets are numbered anew, so an old id may name another sheet), and a name can be reused. Such a
 * candidate is claimed only once its layout is confirmed against the binding's (one more read);
 * failing that, the sheet of the same name is taken, never a sheet found by id alone.
 * One round trip, two with custom properties, one more when settings-only bindings need proof.
 */
export async function scanWorkbook(
  caps: Capabilities,
  check: (b: Binding) => LayoutCheck | null = () => null
): Promise<WorkbookScan> {
  return Excel.run(async (context) => {
    const sheets = context.workbook.worksheets.load("items/name,items/id");
    const settings = context.workbook.settings.load("items/key,items/value");
    await context.sync();

    const stored = new Map<string, Binding>();
    for (const s of settings.items) {
      if (!s.key.startsWith(BINDING_PREFIX)) continue;
      const b = parseBinding(s.value);
      if (b) stored.set(b.id, b);
    }
    const bound: BoundSheet[] = [];
    const claimed = new Set<string>();
    const claim = (sheetId: string, name: string, b: Binding | undefined): void => {
      if (!b || claimed.has(b.id) || bound.some((x) => x.sheetId === sheetId)) return;
      claimed.add(b.id);
      bound.push({ sheetId, name, binding: b });
    };

    if (caps.customProperties && sheets.items.length) {
      const props = sheets.items.map((sheet) => ({
        sheet,
        prop: sheet.customProperties.getItemOrNullObject(BINDING_PROPERTY).load("value"),
      }));
      await context.sync();
      for (const { sheet, prop } of props)
        if (!prop.isNullObject) claim(sheet.id, sheet.name, stored.get(prop.value));
    }
    const free = (s: Excel.Worksheet): boolean => !bound.some((x) => x.sheetId === s.id);
    const pending = [...stored.values()]
      .filter((b) => !claimed.has(b.id))
      .map((b) => {
        const byName = sheets.items.find((s) => s.name === b.sheetName);
        const byId = sheets.items.find((s) => b.sheetId !== undefined && s.id === b.sheetId);
        const candidates = [...new Set([byName, byId])].filter(
          (s): s is Excel.Worksheet => s !== undefined && free(s)
        );
        return { b, byName, candidates, check: check(b) };
      })
      .filter((x) => x.candidates.length);
    const reads = pending.flatMap((x) =>
      x.check
        ? x.candidates.map((sheet) => ({
            x,
            sheet,
            range: sheet
              .getRangeByIndexes(0, 0, x.check!.rows, x.check!.cols) // ExcelApi 1.7
              .load("formulas"),
          }))
        : []
    );
    if (reads.length) await context.sync();
    // Confirmed layouts first, then a sheet of the binding's name; an id alone proves nothing.
    for (const r of reads)
      if (free(r.sheet) && r.x.check!.matches(r.range.formulas as SheetValue[][]))
        claim(r.sheet.id, r.sheet.name, r.x.b);
    for (const x of pending) if (x.byName && free(x.byName)) claim(x.byName.id, x.byName.name, x.b);
    return { names: sheets.items.map((s) => s.name), bound };
  });
}

/** Queues the binding of a sheet (custom property and settings, or settings with the sheet id). */
export function queueBinding(
  context: Excel.RequestContext,
  sheet: Excel.Worksheet,
  binding: Binding,
  caps: Capabilities
): void {
  if (caps.customProperties) sheet.customProperties.add(BINDING_PROPERTY, binding.id); // ExcelApi 1.12
  context.workbook.settings.add(`${BINDING_PREFIX}${binding.id}`, binding); // ExcelApi 1.4
}

/** A name for a new sheet that no sheet has: 表三 2021-07, then 表三 2021-07 (2), … */
export function uniqueSheetName(wanted: string, taken: readonly string[]): string {
  const lower = new Set(taken.map((n) => n.toLowerCase()));
  if (!lower.has(wanted.toLowerCase())) return wanted;
  for (let i = 2; ; i++) {
    const name = `${wanted} (${i})`;
    if (!lower.has(name.toLowerCase())) return name;
  }
}

/**
 * The binding with these 说明 kept in it (none: the field is left out), so the texts typed beside
 * warnings live in the workbook with the sheet until it is sent.
 */
export function withExplanations(b: Binding, explanations: Explanation[]): Binding {
  const next: Binding = { ...b, explanations };
  if (!explanations.length) delete next.explanations;
  return next;
}
