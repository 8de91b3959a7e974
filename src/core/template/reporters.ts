import type { TemplateParsed } from "../schema/template";

export type UnitKind = TemplateParsed["reporters"][number];

/** Whether a unit of this kind files the table itself (docs/templates.md, who reports). */
export function reportsTable(def: Pick<TemplateParsed, "reporters">, kind: UnitKind): boolean {
  return def.reporters.includes(kind);
}

/**
 * The list rows of a unit's own report of a table keyed by unit (stat-1): its one row, named as
 * the registry names it and keyed by its code (which no cell shows). Other tables: undefined.
 * A list of several units is a collector's consolidation, never a reporter's own table.
 */
export function ownListRows(
  def: Pick<TemplateParsed, "rowMode" | "listKey">,
  unit: { code: string; name: string }
): { key: string; name: string }[] | undefined {
  return def.rowMode === "list" && def.listKey === "unit"
    ? [{ key: unit.code, name: unit.name }]
    : undefined;
}
