import type { LayoutPlan } from "../../src/core/layout/types";
import type { SheetDocument } from "../../src/core/schema/document";
import { isoToSerial } from "../../src/core/sheet/serial";
import type { ExcelHost } from "../excel-host/host";

/**
 * Puts a document's values into a bound sheet with their exact types (text stays text even when
 * it looks like a number, as in a text-formatted or pasted cell; ISO dates become date serials).
 */
export function putDocument(
  host: ExcelHost,
  sheetName: string,
  plan: LayoutPlan,
  doc: SheetDocument
): void {
  const sheet = host.workbook.sheet(sheetName)!;
  const rows = new Map(doc.rows.map((r) => [r.key, r.cells]));
  host.workbook.batch(() => {
    for (const cell of plan.cells) {
      let v: unknown;
      if (cell.kind === "input" && cell.bind) v = rows.get(cell.bind.row)?.[cell.bind.col];
      else if (cell.header) v = doc.header[cell.header];
      else continue;
      const dated = cell.bind?.type === "date" || cell.header === "filledOn";
      const content =
        v === undefined || v === null
          ? null
          : typeof v === "string"
            ? dated && isoToSerial(v) !== null
              ? isoToSerial(v)
              : `'${v}`
            : typeof v === "number" || typeof v === "boolean"
              ? v
              : `'${JSON.stringify(v)}`;
      host.workbook.hf.setCellContents({ sheet: sheet.hfId, row: cell.r, col: cell.c }, [
        [content],
      ]);
    }
  });
}

/** Rows sorted, blank cells and empty rows dropped: two documents with the same data compare equal. */
export function normalized(doc: SheetDocument): SheetDocument {
  const rows = doc.rows
    .map((r) => ({
      key: r.key,
      cells: Object.fromEntries(
        Object.entries(r.cells)
          .filter(([, v]) => v !== undefined && v !== null && v !== "")
          .map(([k, v]) => [k, typeof v === "number" ? Math.round(v * 1e6) / 1e6 : v])
          .sort(([a], [b]) => String(a).localeCompare(String(b)))
      ),
    }))
    .filter((r) => Object.keys(r.cells).length > 0)
    .sort((a, b) => a.key.localeCompare(b.key));
  const header = Object.fromEntries(
    Object.entries(doc.header).filter(([, v]) => v !== undefined && v !== null && v !== "")
  );
  return { ...doc, header, rows };
}
