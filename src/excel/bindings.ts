import {
  BINDING_PREFIX,
  BINDING_PROPERTY,
  parseBinding,
  type Binding,
} from "../core/sheet/binding";
import type { Capabilities } from "./capabilities";

export interface BoundSheet {
  sheetId: string;
  name: string;
  binding: Binding;
}

export interface WorkbookScan {
  /** Every sheet's name (a new sheet's name must differ from all of them). */
  names: string[];
  bound: BoundSheet[];
}

/**
 * Finds the sheets this add-in made: by the sheet's custom property (ExcelApi 1.12), otherwise by
 * the sheet id, then the name, kept with the binding in the workbook's settings (ExcelApi 1.4).
 * Two round trips with custom properties, one without.
 */
export async function scanWorkbook(caps: Capabilities): Promise<WorkbookScan> {
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
    for (const b of stored.values()) {
      if (claimed.has(b.id)) continue;
      const sheet =
        sheets.items.find((s) => b.sheetId !== undefined && s.id === b.sheetId) ??
        sheets.items.find((s) => s.name === b.sheetName);
      if (sheet) claim(sheet.id, sheet.name, b);
    }
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
