import type { Kysely } from "kysely";
import { consolidate, type ChildDocument, type Consolidation } from "../core/consolidate";
import { dueDate, parsePeriod } from "../core/periods";
import type { SheetDocument } from "../core/schema/document";
import type { CompiledTemplate } from "../core/template/compile";
import { hotReadsOf } from "./db/hot-reads";
import type { Database } from "./db/schema";
import { ownedPart } from "./ownership";
import { reviewStates } from "./reviews";
import { toUnit, type Unit } from "./units";

/** The registry as a tree, loaded once per request: registries are thousands of units, not millions. */
export interface Tree {
  units: Map<string, Unit>;
  children: Map<string, Unit[]>;
}

export async function loadTree(db: Kysely<Database>): Promise<Tree> {
  const fast = hotReadsOf(db);
  const list = fast
    ? fast
        .allUnits()
        .map(([code, name, kind, parent, ownership, grade, activeFrom, activeTo]): Unit => ({
          code,
          name,
          kind,
          parent,
          ownership,
          grade,
          activeFrom,
          activeTo,
        }))
    : (await db.selectFrom("units").selectAll().orderBy("code").execute()).map(toUnit);
  const units = new Map(list.map((u) => [u.code, u]));
  const children = new Map<string, Unit[]>();
  for (const u of units.values()) {
    if (!u.parent) continue;
    const list = children.get(u.parent);
    if (list) list.push(u);
    else children.set(u.parent, [u]);
  }
  return { units, children };
}

/** Every unit below `code` (not itself), depth first. */
export function descendants(tree: Tree, code: string): Unit[] {
  const out: Unit[] = [];
  const walk = (c: string, depth: number): void => {
    if (depth > 32) return;
    for (const child of tree.children.get(c) ?? []) {
      out.push(child);
      walk(child.code, depth + 1);
    }
  };
  walk(code, 0);
  return out;
}

/** Whether a unit existed during the period (activeFrom/activeTo are inclusive dates). */
export function activeIn(u: Unit, period: string): boolean {
  const { year, month } = parsePeriod(period);
  const first = `${period}-01`;
  const last = `${period}-${String(new Date(Date.UTC(year, month, 0)).getUTCDate()).padStart(2, "0")}`;
  return (!u.activeFrom || u.activeFrom <= last) && (!u.activeTo || u.activeTo >= first);
}

export interface StatusEntry {
  unit: string;
  name: string;
  kind: Unit["kind"];
  parent: string | null;
  status: "submitted" | "late" | "missing";
  /** The review state (docs/review.md); `late` stays a flag of its own. */
  state: "missing" | "submitted" | "returned" | "accepted";
  late: boolean;
  dueDate: string;
  version: number | null;
  receivedAt: string | null;
  reason: string | null;
  reviewedAt: string | null;
  firstReceivedAt: string | null;
  submissionId: string | null;
  /** Explanations (说明) the latest version carries. */
  explained: number;
}

/** Completeness of a subtree for one template and period: who submitted on time, late, or not at all. */
export async function reportStatus(
  db: Kysely<Database>,
  tree: Tree,
  t: CompiledTemplate,
  unit: string,
  period: string,
  opts: { self?: boolean } = {}
): Promise<StatusEntry[]> {
  const due = dueDate(period, t.def.dueDay);
  // `self`: the unit's own report alone (what its reporter may read), not the subtree below it.
  const candidates = opts.self
    ? [tree.units.get(unit)].filter((u): u is Unit => !!u)
    : descendants(tree, unit);
  const must = candidates.filter((u) => t.def.reporters.includes(u.kind) && activeIn(u, period));
  if (!must.length) return [];
  const codes = must.map((u) => u.code);
  const heads = await db
    .selectFrom("report_heads")
    .selectAll()
    .where("template", "=", t.id)
    .where("period", "=", period)
    .where("unit", "in", codes)
    .execute();
  const latest = await db
    .selectFrom("submissions as s")
    .innerJoin("report_heads as h", (j) =>
      j
        .onRef("h.unit", "=", "s.unit")
        .onRef("h.template", "=", "s.template")
        .onRef("h.period", "=", "s.period")
        .onRef("h.last_version", "=", "s.version")
    )
    .select(["s.id", "s.unit", "s.version", "s.received_at", "s.on_time", "s.explained"])
    .where("s.template", "=", t.id)
    .where("s.period", "=", period)
    .where("s.unit", "in", codes)
    .execute();
  const headOf = new Map(heads.map((h) => [h.unit, h]));
  const latestOf = new Map(latest.map((l) => [l.unit, l]));
  const reviewed = await reviewStates(db, t.id, period, codes);
  return must.map((u) => {
    const h = headOf.get(u.code);
    const l = latestOf.get(u.code);
    const r = reviewed.get(u.code);
    return {
      unit: u.code,
      name: u.name,
      kind: u.kind,
      parent: u.parent,
      status: !l ? "missing" : l.on_time === 1 ? "submitted" : "late",
      state: l ? (r?.state ?? "submitted") : "missing",
      late: !!l && l.on_time !== 1,
      dueDate: due,
      version: l?.version ?? null,
      receivedAt: l?.received_at ?? null,
      reason: l ? (r?.reason ?? null) : null,
      reviewedAt: l ? (r?.reviewedAt ?? null) : null,
      firstReceivedAt: h?.first_received_at ?? null,
      submissionId: l?.id ?? null,
      explained: l?.explained ?? 0,
    };
  });
}

export interface Source {
  unit: string;
  version: number;
  submissionId: string;
}

/** Subtrees up to this many units are read with an IN list; larger ones read the whole period. */
const IN_LIST_LIMIT = 2000;

/**
 * The latest accepted version of every unit below `code` for one report period, in one query
 * (not one per unit: a city of 100 counties × 100 hospitals is 10,100 units).
 */
async function latestOfPeriod(
  db: Kysely<Database>,
  tree: Tree,
  template: string,
  period: string,
  code: string
): Promise<Map<string, { id: string; version: number; document: string }>> {
  const below = descendants(tree, code).map((u) => u.code);
  if (!below.length) return new Map();
  const fast = hotReadsOf(db);
  if (fast) {
    const some = below.length <= IN_LIST_LIMIT ? JSON.stringify(below) : null;
    const out = new Map<string, { id: string; version: number; document: string }>();
    for (const [unit, id, version, document] of fast.latestOfPeriod(template, period, some))
      out.set(unit, { id, version, document });
    return out;
  }
  let newest = db
    .selectFrom("submissions")
    .select(["unit", (eb) => eb.fn.max("version").as("v")])
    .where("template", "=", template)
    .where("period", "=", period);
  if (below.length <= IN_LIST_LIMIT) newest = newest.where("unit", "in", below);
  const rows = await db
    .selectFrom("submissions as s")
    .innerJoin(newest.groupBy("unit").as("m"), (j) =>
      j.onRef("m.unit", "=", "s.unit").onRef("m.v", "=", "s.version")
    )
    .select(["s.unit", "s.id", "s.version", "s.document"])
    .where("s.template", "=", template)
    .where("s.period", "=", period)
    .execute();
  return new Map(rows.map((r) => [r.unit, r]));
}

/**
 * The consolidated table of a unit, the same rule at every level: each direct child counts with
 * its own latest accepted document, or else with its own consolidation; a child with neither is left out.
 */
export async function consolidatedFor(
  db: Kysely<Database>,
  tree: Tree,
  t: CompiledTemplate,
  unit: Unit,
  period: string,
  opts: { only?: "accepted" } = {}
): Promise<{
  doc: SheetDocument;
  sources: Source[];
  statusCounts?: Record<string, number>;
} | null> {
  const sources: Source[] = [];
  const latest = await latestOfPeriod(db, tree, t.id, period, unit.code);
  if (opts.only === "accepted") {
    // Only latest versions a collector accepted count; the others are left out as missing ones are.
    const states = await reviewStates(db, t.id, period, [...latest.keys()]);
    for (const code of [...latest.keys()])
      if (states.get(code)?.state !== "accepted") latest.delete(code);
  }
  const level = (u: Unit, depth: number): Consolidation | null => {
    const children: ChildDocument[] = [];
    for (const child of tree.children.get(u.code) ?? []) {
      // A version of a table the child's kind does not report (stored before that was refused)
      // never counts; nor do rows it filed in another unit's name.
      const own = t.def.reporters.includes(child.kind) ? latest.get(child.code) : undefined;
      if (own) {
        sources.push({ unit: child.code, version: own.version, submissionId: own.id });
        children.push({
          unit: { code: child.code, name: child.name },
          doc: ownedPart(t, JSON.parse(own.document) as SheetDocument, child.code),
        });
      } else if (depth < 32) {
        const sub = level(child, depth + 1);
        if (sub) children.push({ unit: { code: child.code, name: child.name }, doc: sub.doc });
      }
    }
    if (!children.length) return null;
    return consolidate(t, { code: u.code, name: u.name }, period, children);
  };
  const result = level(unit, 0);
  return result ? { ...result, sources } : null;
}
