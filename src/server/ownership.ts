import type { Issue, SheetDocument } from "../core/schema/document";
import type { CompiledTemplate } from "../core/template/compile";
import type { Reply } from "./db/submission-writer";
import type { Unit } from "./units";

/** How the templates' reporters (docs/templates.md) name each kind of unit. */
const KIND_NAMES: Record<Unit["kind"], string> = {
  bureau: "县级卫生健康行政部门",
  department: "职能部门",
  hospital: "医疗机构",
};

/** A unit submits (and validates) only the templates its kind reports; else 422 template-not-reported. */
export function templateNotReported(t: CompiledTemplate, unit: Unit): Reply | null {
  if (t.def.reporters.includes(unit.kind)) return null;
  const table = t.def.shortName["zh-CN"];
  return {
    status: 422,
    body: {
      error: "template-not-reported",
      detail: `${unit.name}（${KIND_NAMES[unit.kind]}）不填报${table}：${table}由${t.def.reporters
        .map((k) => KIND_NAMES[k])
        .join("、")}填报`,
    },
  };
}

/** Whether a template lists units, one row each keyed by the unit's code (stat-1). */
const listsUnits = (t: CompiledTemplate): boolean => t.def.listKey === "unit";

/**
 * A reporter's stat-1 holds its own row only: every unit row keyed by another code is
 * `stat-1.foreign-row` on its name, so a unit cannot file figures in another's name.
 */
export function foreignRowIssues(t: CompiledTemplate, doc: SheetDocument): Issue[] {
  if (!listsUnits(t)) return [];
  return doc.rows
    .filter((r) => !t.row.has(r.key) && r.key !== doc.unit)
    .map((r) => ({
      rule: `${t.id}.foreign-row`,
      severity: "error" as const,
      row: r.key,
      col: "name",
      message: `${t.def.shortName["zh-CN"]}只填写本单位一行：这一行属于其他单位，请删除`,
    }));
}

/**
 * The part of a stored document its unit owns, for consolidation: versions stored before the
 * foreign-row check may carry rows of other units, which must never count.
 */
export function ownedPart(t: CompiledTemplate, doc: SheetDocument, unit: string): SheetDocument {
  if (!listsUnits(t)) return doc;
  return { ...doc, rows: doc.rows.filter((r) => t.row.has(r.key) || r.key === unit) };
}
