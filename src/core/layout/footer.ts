import { fill } from "../i18n";
import type { HeaderField } from "../schema/document";
import type { PlanGrid } from "./grid";
import type { HeaderCells } from "./header-lines";

const NOTE_CHARS_PER_LINE = 90;

/** 单位负责人 / 填表人 / 联系方式 under the table, each a third of its width. */
export function signatureLine(grid: PlanGrid, r: number, n: number): HeaderCells {
  const parts: [HeaderField, string][] = [
    ["head", "单位负责人："],
    ["preparer", "填表人："],
    ["phone", "联系方式："],
  ];
  const partW = Math.floor(n / 3);
  const cells: HeaderCells = {};
  parts.forEach(([field, label], p) => {
    const s = p * partW;
    const e = p === 2 ? n - 1 : s + partW - 1;
    grid.put({ r, c: s, kind: "footer-label", value: label, locked: true });
    grid.merge(r, s, r, s + 1);
    grid.put({
      r,
      c: s + 2,
      kind: "footer-value",
      value: "",
      locked: false,
      header: field,
      numberFormat: "@",
    });
    grid.merge(r, s + 2, r, e);
    cells[field] = { r, c: s + 2 };
  });
  return cells;
}

/** The template's notes (填报说明), one merged row each, as tall as its text. Returns the row after them. */
export function notes(
  grid: PlanGrid,
  r: number,
  n: number,
  texts: readonly string[],
  params: Record<string, string | number>
): number {
  for (const note of texts) {
    const text = fill(note, params);
    grid.put({ r, c: 0, kind: "note", value: text, locked: true });
    grid.merge(r, 0, r, n - 1);
    const lines = Math.max(1, Math.ceil([...text].length / NOTE_CHARS_PER_LINE));
    if (lines > 1) grid.rowHeights[r] = 15 * lines + 4;
    r++;
  }
  return r;
}
