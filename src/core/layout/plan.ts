import { toExcel } from "../expr/excel";
import { fill } from "../i18n";
import { parsePeriod } from "../periods";
import { HEADER_FIELDS, type HeaderField } from "../schema/document";
import type { CellType, Tier } from "../schema/template";
import type { CompiledColumn, CompiledTemplate } from "../template/compile";
import { a1, colName, fnv1a, type Area } from "./address";
import { conditionalFormats } from "./conditional";
import type { DataValidationSpec, LayoutPlan, PlanCell } from "./types";

export interface LayoutOptions {
  period: string;
  /** The reporting unit: its name goes into 填报单位, its code is bound to the sheet. */
  unit?: { code: string; name: string } | null;
  /** The submitting hospital's tier (tierLocked templates): other tiers' rows are painted when filled. */
  tier?: Tier | null;
  /** List templates: the rows to lay out (stat-1: one per unit; ledger: serials). */
  listRows?: { key: string; name?: string }[];
  /** List templates without listRows: how many blank rows (ledger serials 1…N). */
  blankListRows?: number;
  filledOn?: string;
}

/** The list rows a document holds (stat-1's units, the ledger's serials), to lay it out again. */
export function listRowsOf(
  t: CompiledTemplate,
  doc: { rows: { key: string; cells: Record<string, unknown> }[] }
): { key: string; name?: string }[] | undefined {
  if (t.def.rowMode !== "list") return undefined;
  return doc.rows
    .filter((r) => !t.row.has(r.key))
    .map((r) => ({
      key: r.key,
      ...(typeof r.cells.name === "string" ? { name: r.cells.name } : {}),
    }));
}

export const NUMBER_FORMATS: Record<CellType, string> = {
  count: "0",
  amount: "0.00",
  text: "@",
  enum: "@",
  date: "yyyy-mm-dd",
};

const BLANK_LIST_ROWS = 20;
const NOTE_CHARS_PER_LINE = 90;

function validationFor(col: CompiledColumn, addr: string): PlanCell["validation"] {
  let rule: DataValidationSpec;
  let prompt: string;
  switch (col.type) {
    case "count":
      rule = {
        type: "custom",
        formula: `=AND(ISNUMBER(${addr}),${addr}>=0,${addr}=INT(${addr}),${addr}<=${col.max})`,
      };
      prompt = `请填写0到${col.max}之间的整数，没有请填0`;
      break;
    case "amount":
      rule = {
        type: "custom",
        formula: `=AND(ISNUMBER(${addr}),${addr}>=0,ROUND(${addr},2)=${addr},${addr}<=${col.max})`,
      };
      prompt = `单位：万元，0到${col.max}之间，最多2位小数，没有请填0`;
      break;
    case "text":
      rule = { type: "textLength", operator: "lessThanOrEqual", formula1: col.maxLength ?? 200 };
      prompt = `最多${col.maxLength ?? 200}个字`;
      break;
    case "enum":
      rule = { type: "list", source: col.options ?? [] };
      prompt = `请从列表中选择：${(col.options ?? []).join("、")}`;
      break;
    case "date":
      rule = { type: "date", operator: "greaterThanOrEqual", formula1: "2000-01-01" };
      prompt = "日期，如 2021-08-31";
      break;
  }
  return { rule, prompt, error: `${col.label}：${prompt}` };
}

function columnNumber(t: CompiledTemplate, col: CompiledColumn): string {
  const m = /^c(\d+)$/.exec(col.key);
  if (!m || col.numbered === false || t.def.columnNumbers === "none") return "";
  return t.def.columnNumbers === "paren" ? `（${m[1]}）` : m[1]!;
}

/**
 * Every cell of the official table for (template, period, unit), with fixed coordinates, as plain
 * data: the Excel renderer, the .xlsx writer and the sheet reader all place cells from this.
 */
export function layoutPlan(t: CompiledTemplate, opts: LayoutOptions): LayoutPlan {
  const { year } = parsePeriod(opts.period);
  const def = t.def;
  const stubW = def.stub.width;
  const n = stubW + t.columns.length;
  const cells: PlanCell[] = [];
  const merges: Area[] = [];
  const rowHeights: Record<number, number> = {};
  const put = (cell: PlanCell): void => {
    cells.push(cell);
  };
  const merge = (r1: number, c1: number, r2: number, c2: number): void => {
    if (r1 !== r2 || c1 !== c2) merges.push({ r1, c1, r2, c2 });
  };
  const params = { year, ...(def.parameters ?? {}) };
  const title = fill(def.title, params);

  // Title, then the 填报单位 / 填报时间 line.
  put({ r: 0, c: 0, kind: "title", value: title, locked: true });
  merge(0, 0, 0, n - 1);
  rowHeights[0] = 32;
  const header = {} as Record<HeaderField, { r: number; c: number }>;
  const midEnd = Math.max(3, Math.floor(n / 2));
  put({ r: 1, c: 0, kind: "meta-label", value: "填报单位：", locked: true });
  merge(1, 0, 1, 1);
  put({
    r: 1,
    c: 2,
    kind: "meta-value",
    value: opts.unit?.name ?? "",
    locked: false,
    header: "reportingUnit",
    numberFormat: "@",
  });
  merge(1, 2, 1, midEnd);
  header.reportingUnit = { r: 1, c: 2 };
  put({ r: 1, c: n - 4, kind: "meta-label", value: "填报时间：", locked: true });
  merge(1, n - 4, 1, n - 3);
  put({
    r: 1,
    c: n - 2,
    kind: "meta-value",
    value: opts.filledOn ?? "",
    locked: false,
    header: "filledOn",
    numberFormat: 'yyyy"年"m"月"d"日"',
    validation: {
      rule: { type: "date", operator: "greaterThanOrEqual", formula1: "2000-01-01" },
      prompt: "填报日期，如 2021-08-10",
      error: "填报时间应为日期",
    },
  });
  merge(1, n - 2, 1, n - 1);
  header.filledOn = { r: 1, c: n - 2 };

  // Column headers: a group row when any column is grouped, the label row, the number row.
  const top = 2;
  const grouped = t.columns.some((c) => c.group);
  const labelRows = grouped ? 2 : 1;
  const numberRow = def.columnNumbers === "none" ? null : top + labelRows;
  const headerEnd = numberRow ?? top + labelRows - 1;
  put({ r: top, c: 0, kind: "header", value: def.stub.header, locked: true });
  merge(top, 0, headerEnd, stubW - 1);
  const colIndex: Record<string, number> = {};
  t.columns.forEach((col, i) => {
    const c = stubW + i;
    colIndex[col.key] = c;
    if (col.group) {
      const prev = t.columns[i - 1];
      if (prev?.group !== col.group) {
        let last = i;
        while (t.columns[last + 1]?.group === col.group) last++;
        put({ r: top, c, kind: "header", value: col.group, locked: true });
        merge(top, c, top, stubW + last);
      }
      put({ r: top + 1, c, kind: "header", value: col.label, locked: true });
    } else {
      put({ r: top, c, kind: "header", value: col.label, locked: true });
      merge(top, c, top + labelRows - 1, c);
    }
    if (numberRow !== null)
      put({ r: numberRow, c, kind: "colno", value: columnNumber(t, col), locked: true });
  });
  for (let r = top; r < top + labelRows; r++) rowHeights[r] = grouped && r === top ? 30 : 48;

  // Body rows: fixed rows first, then list rows.
  const bodyTop = headerEnd + 1;
  const listRows: { key: string; name?: string }[] =
    def.rowMode === "list"
      ? (opts.listRows ??
        Array.from({ length: opts.blankListRows ?? BLANK_LIST_ROWS }, (_, i) => ({
          key: String(i + 1),
        })))
      : [];
  const body: {
    key: string;
    label: string[];
    computed: boolean;
    name?: string;
    fixedCells?: Record<string, string>;
  }[] = [
    ...t.rows.map((r) => ({
      key: r.key,
      label: r.label,
      computed: !!r.computed,
      fixedCells: r.fixedCells,
    })),
    ...listRows.map((r) => ({ key: r.key, label: [], computed: false, name: r.name })),
  ];
  const rowIndex: Record<string, number> = {};
  body.forEach((row, i) => (rowIndex[row.key] = bodyTop + i));
  const bodyEnd = bodyTop + body.length - 1;

  // Stub: labels; a label that is a row's last spans the remaining stub columns, a shared prefix merges down.
  body.forEach((row, i) => {
    const r = bodyTop + i;
    if (def.stub.numbering) {
      put({ r, c: 0, kind: "stub", value: i + 1, locked: true });
      return;
    }
    row.label.forEach((text, j) => {
      const isLast = j === row.label.length - 1;
      const prev = body[i - 1];
      const samePrefix = (other: typeof row | undefined): boolean =>
        !!other &&
        other.label.length > j + 1 &&
        !isLast &&
        other.label.slice(0, j + 1).join("\u0000") === row.label.slice(0, j + 1).join("\u0000");
      if (samePrefix(prev)) return; // covered by the merge started above
      put({ r, c: j, kind: "stub", value: text, locked: true });
      let down = i;
      while (samePrefix(body[down + 1])) down++;
      merge(r, j, bodyTop + down, isLast ? stubW - 1 : j);
    });
  });

  // Data cells.
  const ref = (row: string, col: string): string =>
    `${colName(colIndex[col]!)}${rowIndex[row]! + 1}`;
  for (const row of body) {
    const r = rowIndex[row.key]!;
    for (const col of t.columns) {
      const c = colIndex[col.key]!;
      const numberFormat = NUMBER_FORMATS[col.type];
      const fixed = row.fixedCells?.[col.key];
      if (fixed !== undefined) {
        put({ r, c, kind: "fixed", value: fixed, locked: true });
        continue;
      }
      if (row.computed) {
        const tRow = t.row.get(row.key)!;
        let formula: string | null = null;
        if (col.numeric && tRow.sumsListRows) {
          formula = listRows.length
            ? `SUM(${a1(rowIndex[listRows[0]!.key]!, c)}:${a1(rowIndex[listRows[listRows.length - 1]!.key]!, c)})`
            : "0";
        } else if (col.numeric && tRow.computedExpr) {
          formula = toExcel(tRow.computedExpr, { ref: (name) => ref(name, col.key) });
        }
        // A subtotal row's text cell (备注) holds nothing: it is locked and bound to no document cell.
        const bind = col.numeric ? { bind: { row: row.key, col: col.key, type: col.type } } : {};
        put({
          r,
          c,
          kind: "computed",
          ...(formula ? { formula: `=${formula}` } : {}),
          numberFormat,
          locked: true,
          ...bind,
        });
        continue;
      }
      if (col.computedExpr) {
        const formula = toExcel(col.computedExpr, { ref: (name) => ref(row.key, name) });
        put({
          r,
          c,
          kind: "computed",
          ...(formula ? { formula: `=${formula}` } : {}),
          numberFormat,
          locked: true,
          bind: { row: row.key, col: col.key, type: col.type },
        });
        continue;
      }
      const prefill = col.key === "name" && row.name !== undefined ? { value: row.name } : {};
      put({
        r,
        c,
        kind: "input",
        ...prefill,
        numberFormat,
        validation: validationFor(col, a1(r, c)),
        locked: false,
        bind: { row: row.key, col: col.key, type: col.type },
      });
    }
  }

  // Signature line under the table, then the notes.
  const footerRow = bodyEnd + 2;
  const parts: [HeaderField, string][] = [
    ["head", "单位负责人："],
    ["preparer", "填表人："],
    ["phone", "联系方式："],
  ];
  const partW = Math.floor(n / 3);
  parts.forEach(([field, label], p) => {
    const s = p * partW;
    const e = p === 2 ? n - 1 : s + partW - 1;
    put({ r: footerRow, c: s, kind: "footer-label", value: label, locked: true });
    merge(footerRow, s, footerRow, s + 1);
    put({
      r: footerRow,
      c: s + 2,
      kind: "footer-value",
      value: "",
      locked: false,
      header: field,
      numberFormat: "@",
    });
    merge(footerRow, s + 2, footerRow, e);
    header[field] = { r: footerRow, c: s + 2 };
  });
  let r = footerRow + 2;
  for (const note of def.notes) {
    const text = fill(note, params);
    put({ r, c: 0, kind: "note", value: text, locked: true });
    merge(r, 0, r, n - 1);
    const lines = Math.max(1, Math.ceil([...text].length / NOTE_CHARS_PER_LINE));
    if (lines > 1) rowHeights[r] = 15 * lines + 4;
    r++;
  }

  const columnWidths = [
    ...Array.from({ length: stubW }, () => (def.stub.numbering ? 6 : 10)),
    ...t.columns.map((c) => c.width ?? (c.type === "text" ? 16 : c.key === "name" ? 18 : 10)),
  ];
  const unit = opts.unit?.code ?? null;
  const headerCells = Object.fromEntries(
    HEADER_FIELDS.map((f) => [f, header[f]])
  ) as LayoutPlan["header"];
  const structure = JSON.stringify([t.id, t.version, rowIndex, colIndex, headerCells, n]);
  const plan: LayoutPlan = {
    templateId: t.id,
    templateVersion: t.version,
    period: opts.period,
    unit,
    sheetName: `${def.shortName["zh-CN"]} ${opts.period}`,
    title,
    rowCount: r,
    colCount: n,
    cells,
    merges,
    columnWidths,
    rowHeights,
    table: { r1: top, c1: 0, r2: bodyEnd, c2: n - 1 },
    headerRows: [top, headerEnd],
    rowIndex,
    colIndex,
    listRowKeys: listRows.map((x) => x.key),
    header: headerCells,
    conditionalFormats: [],
    paintedRules: [],
    fingerprint: fnv1a(structure),
  };
  const cf = conditionalFormats(t, plan, opts.tier ?? null);
  plan.conditionalFormats = cf.formats;
  plan.paintedRules = cf.painted;
  return plan;
}
