import {
  BINDING_PREFIX,
  BINDING_PROPERTY,
  parseBinding,
  type Binding,
} from "../core/sheet/binding";
import {
  BINDING_NAME,
  BINDING_NAMESPACE,
  bindingNameFormula,
  bindingOf,
  bindingXml,
  parseBindingKey,
  parseBindingXml,
  type BindingKey,
} from "../core/sheet/binding-name";
import type { Explanation } from "../core/schema/document";
import type { SheetValue } from "../core/sheet/grid";
import type { Capabilities } from "./capabilities";
import type { BoundSheet, LayoutCheck, WorkbookScan } from "./host";

/**
 * Finds the sheets this add-in made. A sheet's hidden name (binding-name.ts, read by both hosts)
 * or its custom property (ExcelApi 1.12) is the primary key, the binding itself being in the
 * workbook's settings, or, for a sheet made in WPS 表格, in our custom XML part. A binding found
 * only in the settings (ExcelApi 1.4; a file made by an older build in an Excel without custom
 * properties) names a sheet id and a name, and neither is proof: a sheet id is "constant within a
 * single session" only (office-js #1390, office-js-docs #297: reopened, the sheets are numbered
 * anew, so an old id may name another sheet), and a name can be reused. Such a candidate is
 * claimed only once its layout is confirmed against the binding's (one more read); failing that,
 * the sheet of the same name is taken, never a sheet found by id alone. Sheets bound by an older
 * build get the name and the XML part on the way (one more round trip, once).
 * Two round trips; two more when a sheet made in WPS is met, one when layouts need proof.
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
    const named = new Set<string>();
    const claimed = new Set<string>();
    const claim = (sheetId: string, name: string, b: Binding | null | undefined): void => {
      if (!b || claimed.has(b.id) || bound.some((x) => x.sheetId === sheetId)) return;
      claimed.add(b.id);
      bound.push({ sheetId, name, binding: b });
    };

    if (sheets.items.length) {
      const looks = sheets.items.map((sheet) => ({
        sheet,
        prop: caps.customProperties
          ? sheet.customProperties.getItemOrNullObject(BINDING_PROPERTY).load("value") // ExcelApi 1.12
          : null,
        name: sheet.names.getItemOrNullObject(BINDING_NAME).load("formula"), // ExcelApi 1.4, formula 1.7
      }));
      await context.sync();
      const keys: { sheet: Excel.Worksheet; key: BindingKey }[] = [];
      for (const { sheet, prop, name } of looks) {
        const key = name.isNullObject ? null : parseBindingKey(name.formula);
        if (key) {
          named.add(sheet.id);
          keys.push({ sheet, key });
        }
        if (prop && !prop.isNullObject) claim(sheet.id, sheet.name, stored.get(prop.value));
      }
      // Sheets made in WPS: their bindings are in our custom XML parts (ExcelApi 1.5).
      const foreign = keys.filter((k) => !stored.has(k.key.id));
      const parts = new Map<string, Binding>();
      if (foreign.length) {
        const found = context.workbook.customXmlParts
          .getByNamespace(BINDING_NAMESPACE)
          .load("items/id");
        await context.sync();
        const xmls = found.items.map((p) => p.getXml());
        await context.sync();
        for (const x of xmls) {
          const b = parseBindingXml(x.value);
          if (b) parts.set(b.id, b);
        }
      }
      for (const { sheet, key } of keys)
        claim(sheet.id, sheet.name, stored.get(key.id) ?? bindingOf(key, parts));
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

    // Bound by an older build (custom property or settings only): moved to the binding both hosts read.
    const older = bound.filter((x) => !named.has(x.sheetId));
    if (older.length) {
      for (const x of older)
        queueSharedBinding(context, context.workbook.worksheets.getItem(x.sheetId), {
          ...x.binding,
          sheetName: x.name,
        });
      await context.sync();
    }
    return { names: sheets.items.map((s) => s.name), bound };
  });
}

/** The hidden sheet-scoped name and the custom XML part WPS 表格 reads too. */
function queueSharedBinding(
  context: Excel.RequestContext,
  sheet: Excel.Worksheet,
  binding: Binding
): void {
  const name = sheet.names.add(BINDING_NAME, bindingNameFormula(binding)); // ExcelApi 1.4
  name.visible = false; // ExcelApi 1.1
  context.workbook.customXmlParts.add(bindingXml(binding)); // ExcelApi 1.5
}

/**
 * Queues the binding of a sheet: custom property and settings (or settings with the sheet id), and
 * the name and XML part both hosts read.
 */
export function queueBinding(
  context: Excel.RequestContext,
  sheet: Excel.Worksheet,
  binding: Binding,
  caps: Capabilities
): void {
  if (caps.customProperties) sheet.customProperties.add(BINDING_PROPERTY, binding.id); // ExcelApi 1.12
  context.workbook.settings.add(`${BINDING_PREFIX}${binding.id}`, binding); // ExcelApi 1.4
  queueSharedBinding(context, sheet, binding);
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
