import { bindItem, refsOf, type Expr } from "../expr/ast";
import { ExprError, parseExpr } from "../expr/parse";
import { HEADER_FIELDS } from "../schema/document";
import { templateSchema, type CellType, type TemplateParsed, type Tier } from "../schema/template";
import { excessWork, RULES_WRITTEN_MAX, stepsOf } from "./work";

/**
 * The JSON pointer (RFC 6901) of a place named as `rules[2] (stat-1.x).check` or `columns.3.type`:
 * `/rules/2/check`, `/columns/3/type` — what a bureau's tool or editor can jump to.
 */
export function placePointer(where: string): string {
  if (where === "(root)") return "";
  const parts = where
    .replace(/ \([^)]*\)/g, "")
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((p) => p !== "");
  return parts.map((p) => `/${p.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

/** A template definition that is wrong; `where` names the place (e.g. `rules[2].check`), `pointer` the same as a JSON pointer. */
export class TemplateError extends Error {
  readonly pointer: string;
  constructor(
    readonly templateId: string,
    readonly where: string,
    readonly detail: string
  ) {
    super(`template ${templateId}: ${where}: ${detail}`);
    this.name = "TemplateError";
    this.pointer = placePointer(where);
  }
}

export type { CompiledColumn, CompiledRow, CompiledRule } from "./compiled-parts";
import type { CompiledColumn, CompiledRow, CompiledRule } from "./compiled-parts";

export interface CompiledTemplate {
  def: TemplateParsed;
  id: string;
  version: number;
  columns: CompiledColumn[];
  column: Map<string, CompiledColumn>;
  /** Fixed rows in sheet order (all rows of a fixed table; the leading rows of a list table). */
  rows: CompiledRow[];
  row: Map<string, CompiledRow>;
  inputRowKeys: string[];
  /** Computed fixed rows, in an order where every row comes after the rows it sums. */
  computedRowOrder: string[];
  /** Computed columns, in an order where every column comes after the columns it sums. */
  computedColumnOrder: string[];
  rules: CompiledRule[];
  tiers: Map<Tier, string>;
  /** Rule ids whose warnings need an explanation at submission (explanation.required). */
  explanationRules: ReadonlySet<string>;
}

/** The warnings of every template that a template may mark as needing an explanation. */
const BUILTIN_WARNINGS: readonly string[] = ["period.cumulative-decrease", "history.outlier"];

const NUMERIC: readonly CellType[] = ["count", "amount"];

/**
 * How far computed cells may stand on one another. The engine writes out a computed column that
 * a rule reads (its computed references too, not shared), and the walk below recurses: a chain
 * 10,000 deep overflowed the stack, and `c1 = c2 + c2`, `c2 = c3 + c3`, … 40 deep was 2^39 terms.
 * The official tables need 3 levels and a few dozen terms.
 */
export const COMPUTED_DEPTH_MAX = 64;
export const COMPUTED_TERMS_MAX = 1000;

/** A worksheet's columns (Excel's limit, and ExcelJS's): the stub and the table share them. */
export const SHEET_COLUMNS_MAX = 16384;

/**
 * A table people fill and print one A4 page wide: the official ones have at most 18 columns and
 * 10 fixed rows. The bounds keep an installed definition's answers and files small (every issue,
 * cell and format grows with rows × columns).
 */
export const TABLE_COLUMNS_MAX = 64;
export const TABLE_FIXED_ROWS_MAX = 200;

function topoOrder(
  templateId: string,
  where: (key: string) => string,
  deps: Map<string, Expr>
): string[] {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const terms = new Map<string, number>();
  const termsOf = (e: Expr): number => {
    switch (e.kind) {
      case "ref":
        return terms.get(e.name) ?? 1;
      case "bin":
        return termsOf(e.left) + termsOf(e.right);
      case "un":
        return termsOf(e.arg);
      case "call":
        return e.args.reduce((n, a) => n + termsOf(a), 0);
      default:
        return 1;
    }
  };
  const visit = (k: string, path: string[]): void => {
    const s = state.get(k);
    if (s === "done") return;
    if (s === "visiting") {
      const cycle = [...path, k];
      throw new TemplateError(
        templateId,
        where(k),
        `computed cycle: ${cycle.slice(cycle.indexOf(k)).join(" -> ")}`
      );
    }
    if (path.length >= COMPUTED_DEPTH_MAX)
      throw new TemplateError(
        templateId,
        where(path[0]!),
        `computed cells stand on one another more than ${COMPUTED_DEPTH_MAX} deep (${path.slice(0, 3).join(" -> ")} -> …)`
      );
    state.set(k, "visiting");
    const expr = deps.get(k)!;
    for (const d of refsOf(expr)) if (deps.has(d)) visit(d, [...path, k]);
    state.set(k, "done");
    const n = termsOf(expr);
    if (n > COMPUTED_TERMS_MAX)
      throw new TemplateError(
        templateId,
        where(k),
        `written out with the computed cells it reads, "${k}" comes to ${n} terms (at most ${COMPUTED_TERMS_MAX} terms)`
      );
    terms.set(k, n);
    order.push(k);
  };
  for (const k of deps.keys()) visit(k, []);
  return order;
}

function parseAt(templateId: string, where: string, source: string): Expr {
  try {
    return parseExpr(source);
  } catch (e) {
    throw new TemplateError(templateId, where, e instanceof ExprError ? e.message : String(e));
  }
}

/** Checks a definition's shape (zod) and meaning (every name exists, no cycles) and prepares it for the engine. */
export function compileTemplate(input: unknown): CompiledTemplate {
  const parsed = templateSchema.safeParse(input);
  const rawId =
    typeof input === "object" && input !== null && "id" in input
      ? String((input as { id: unknown }).id)
      : "?";
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new TemplateError(
      rawId,
      first ? first.path.join(".") || "(root)" : "(root)",
      first ? first.message : "invalid"
    );
  }
  const def = parsed.data;
  const id = def.id;

  if (def.stub.width + def.columns.length > SHEET_COLUMNS_MAX)
    throw new TemplateError(
      id,
      "columns",
      `a worksheet holds ${SHEET_COLUMNS_MAX} columns: with ${def.stub.width} for the stub, at most ${SHEET_COLUMNS_MAX - def.stub.width} for the table, not ${def.columns.length}`
    );
  const column = new Map<string, CompiledColumn>();
  const columns = def.columns.map((c, index) => {
    if (column.has(c.key))
      throw new TemplateError(id, `columns[${index}].key`, `duplicate column "${c.key}"`);
    if (c.type === "enum" && !c.options)
      throw new TemplateError(id, `columns[${index}].options`, "an enum column lists its options");
    const numeric = NUMERIC.includes(c.type);
    if (!numeric && c.max !== undefined)
      throw new TemplateError(id, `columns[${index}].max`, "max bounds count and amount columns");
    const max = numeric ? (c.max ?? def.max?.[c.type as "count" | "amount"]) : undefined;
    // Unbounded, a count of 1e20 would pass and lose its last digits silently.
    if (numeric && max === undefined)
      throw new TemplateError(
        id,
        `columns[${index}].max`,
        `a count or amount column has an upper bound: "max" in the column or max.${c.type} in the template`
      );
    const col: CompiledColumn = { ...c, index, numeric, ...(max === undefined ? {} : { max }) };
    column.set(c.key, col);
    return col;
  });

  const colDeps = new Map<string, Expr>();
  for (const col of columns) {
    if (!col.computed) continue;
    const where = `columns[${col.index}].computed`;
    if (!col.numeric)
      throw new TemplateError(id, where, "only count and amount columns can be computed");
    col.computedExpr = parseAt(id, where, col.computed);
    const refs = refsOf(col.computedExpr);
    for (const r of refs) {
      const target = column.get(r);
      if (!target) throw new TemplateError(id, where, `unknown column "${r}"`);
      if (!target.numeric) throw new TemplateError(id, where, `column "${r}" is not numeric`);
    }
    colDeps.set(col.key, col.computedExpr);
  }
  const computedColumnOrder = topoOrder(
    id,
    (k) => `columns[${column.get(k)?.index}].computed`,
    colDeps
  );

  if (def.rowMode === "list" && !def.listKey)
    throw new TemplateError(id, "listKey", "a list template says how its rows are keyed");
  const row = new Map<string, CompiledRow>();
  const tiers = new Map<Tier, string>();
  const rows = def.rows.map((r, index) => {
    if (row.has(r.key))
      throw new TemplateError(id, `rows[${index}].key`, `duplicate row "${r.key}"`);
    if (r.tier) {
      if (tiers.has(r.tier))
        throw new TemplateError(id, `rows[${index}].tier`, `tier ${r.tier} already has a row`);
      tiers.set(r.tier, r.key);
    }
    if (r.label.length > def.stub.width)
      throw new TemplateError(
        id,
        `rows[${index}].label`,
        `more labels than the ${def.stub.width} stub columns`
      );
    for (const k of Object.keys(r.fixedCells ?? {})) {
      if (!column.has(k))
        throw new TemplateError(id, `rows[${index}].fixedCells`, `unknown column "${k}"`);
    }
    const out: CompiledRow = { ...r, index, sumsListRows: false };
    row.set(r.key, out);
    return out;
  });

  const rowDeps = new Map<string, Expr>();
  for (const r of rows) {
    if (!r.computed) continue;
    const where = `rows[${r.index}].computed`;
    r.computedExpr = parseAt(id, where, r.computed);
    const e = r.computedExpr;
    if (
      e.kind === "call" &&
      e.fn === "SUM" &&
      e.args[0]?.kind === "ref" &&
      e.args[0].name === "listRows"
    ) {
      if (def.rowMode !== "list")
        throw new TemplateError(id, where, "SUM(listRows) is for list templates");
      r.sumsListRows = true;
      continue;
    }
    const refs = refsOf(e);
    for (const name of refs)
      if (!row.has(name)) throw new TemplateError(id, where, `unknown row "${name}"`);
    rowDeps.set(r.key, e);
  }
  const computedRowOrder = [
    ...topoOrder(id, (k) => `rows[${row.get(k)?.index}].computed`, rowDeps),
    ...rows.filter((r) => r.sumsListRows).map((r) => r.key),
  ];

  const rules: CompiledRule[] = [];
  const ruleIds = new Set<string>();
  // Steps of the rules compiled so far (see RULES_WRITTEN_MAX), counted before a rule is
  // written out for the items of its `each`.
  let written = 0;
  const count = (at: string, steps: number, items: number): void => {
    written += steps * items;
    if (written > RULES_WRITTEN_MAX)
      throw new TemplateError(
        id,
        at,
        `the rules as written come to more than ${RULES_WRITTEN_MAX} steps (names, numbers and operators; a check counts once per item of "each"): ${written} with this one, ${items > 1 ? `${steps} steps × ${items} items` : `${steps} steps`}`
      );
  };
  def.rules.forEach((rule, defIndex) => {
    const at = `rules[${defIndex}] (${rule.id})`;
    if (!rule.id.startsWith(`${id}.`))
      throw new TemplateError(id, `${at}.id`, `a rule id starts with "${id}."`);
    if (ruleIds.has(rule.id)) throw new TemplateError(id, `${at}.id`, "duplicate rule id");
    ruleIds.add(rule.id);
    const items = rule.each ?? [undefined];
    if (rule.scope === "unique") {
      // Every row is looked up once.
      count(`${at}.on`, 1, 1);
      if (!column.has(rule.on))
        throw new TemplateError(id, `${at}.on`, `unknown column "${rule.on}"`);
      rules.push({
        id: rule.id,
        severity: rule.severity,
        scope: "unique",
        on: rule.on,
        defIndex,
        message: rule.message,
      });
      return;
    }
    if (!rule.check) throw new TemplateError(id, `${at}.check`, "a row or column rule has a check");
    const base = parseAt(id, `${at}.check`, rule.check);
    const usesItem = refsOf(base).includes("$") || rule.on === "$";
    if (usesItem && !rule.each)
      throw new TemplateError(id, `${at}.check`, '"$" is used without "each"');
    count(`${at}.check`, stepsOf(base), items.length);
    for (const item of items) {
      if (item !== undefined && !column.has(item))
        throw new TemplateError(id, `${at}.each`, `unknown column "${item}"`);
      const expr = item !== undefined ? bindItem(base, item) : base;
      const on = rule.on === "$" && item !== undefined ? item : rule.on;
      if (rule.scope === "row") {
        for (const name of refsOf(expr)) {
          const isHeader =
            name.startsWith("header.") &&
            (HEADER_FIELDS as readonly string[]).includes(name.slice(7));
          if (!isHeader && !column.has(name))
            throw new TemplateError(id, `${at}.check`, `unknown column "${name}"`);
        }
        if (!column.has(on)) throw new TemplateError(id, `${at}.on`, `unknown column "${on}"`);
        rules.push({
          id: rule.id,
          severity: rule.severity,
          scope: "row",
          on,
          expr,
          defIndex,
          message: rule.message,
        });
      } else {
        if (item === undefined)
          throw new TemplateError(id, `${at}.each`, 'a column rule lists its columns in "each"');
        for (const name of refsOf(expr))
          if (!row.has(name)) throw new TemplateError(id, `${at}.check`, `unknown row "${name}"`);
        if (!row.has(on)) throw new TemplateError(id, `${at}.on`, `unknown row "${on}"`);
        rules.push({
          id: rule.id,
          severity: rule.severity,
          scope: "column",
          on,
          column: item,
          expr,
          defIndex,
          message: rule.message,
        });
      }
    }
  });

  if (def.columns.length > TABLE_COLUMNS_MAX)
    throw new TemplateError(
      id,
      "columns",
      `a table has at most ${TABLE_COLUMNS_MAX} columns (printed one page wide), not ${def.columns.length}`
    );
  if (def.rows.length > TABLE_FIXED_ROWS_MAX)
    throw new TemplateError(
      id,
      "rows",
      `a table has at most ${TABLE_FIXED_ROWS_MAX} rows of its own, not ${def.rows.length}`
    );

  const compiled = {
    def,
    columns,
    rows,
    rules,
    computedColumnOrder,
    inputRowKeys: rows.filter((r) => !r.computed).map((r) => r.key),
  };
  const excess = excessWork(compiled);
  if (excess) throw new TemplateError(id, excess.where, excess.detail);

  const ruleById = new Map(rules.map((r) => [r.id, r]));
  const explanationRules = new Set<string>();
  (def.explanationRequired ?? []).forEach((ruleId, i) => {
    const own = ruleById.get(ruleId);
    if (!BUILTIN_WARNINGS.includes(ruleId) && own?.severity !== "warning")
      throw new TemplateError(
        id,
        `explanationRequired[${i}]`,
        `"${ruleId}" is not a warning of this template (only warnings take an explanation)`
      );
    explanationRules.add(ruleId);
  });

  return {
    def,
    id,
    version: def.version,
    explanationRules,
    columns,
    column,
    rows,
    row,
    inputRowKeys: compiled.inputRowKeys,
    computedRowOrder,
    computedColumnOrder,
    rules,
    tiers,
  };
}
