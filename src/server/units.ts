import type { Kysely } from "kysely";
import { z } from "zod";
import type { Tier } from "../core/schema/template";
import { audit } from "./audit";
import { hotReadsOf } from "./db/hot-reads";
import type { Database, UnitsTable } from "./db/schema";

/** A unit of the registry as imported (CSV header `code,name,kind,parent,ownership,grade`, or JSON). */
export const unitInputSchema = z
  .object({
    code: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, _ . -"),
    name: z.string().trim().min(1).max(200),
    kind: z.enum(["bureau", "department", "hospital"]),
    parent: z
      .string()
      .trim()
      .max(64)
      .nullish()
      .transform((v) => v || null),
    ownership: z
      .enum(["public", "private"])
      .nullish()
      .or(z.literal(""))
      .transform((v) => v || null),
    grade: z
      .enum(["1", "2", "3"])
      .nullish()
      .or(z.literal(""))
      .transform((v) => v || null),
    activeFrom: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .nullish()
      .or(z.literal(""))
      .transform((v) => v || null),
    activeTo: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .nullish()
      .or(z.literal(""))
      .transform((v) => v || null),
  })
  .refine((u) => u.kind !== "hospital" || (u.ownership && u.grade), {
    message: "a hospital has ownership and grade",
    path: ["ownership"],
  })
  .refine((u) => u.kind === "hospital" || (!u.ownership && !u.grade), {
    message: "only hospitals have ownership and grade",
    path: ["ownership"],
  });
export type UnitInput = z.output<typeof unitInputSchema>;

/** A registry entry written in code (the demo registry, tests). */
export function unitInput(
  code: string,
  name: string,
  kind: UnitInput["kind"],
  parent: string | null,
  ownership: "public" | "private" | null = null,
  grade: "1" | "2" | "3" | null = null
): UnitInput {
  return { code, name, kind, parent, ownership, grade, activeFrom: null, activeTo: null };
}

export interface Unit {
  code: string;
  name: string;
  kind: UnitsTable["kind"];
  parent: string | null;
  ownership: UnitsTable["ownership"];
  grade: UnitsTable["grade"];
  activeFrom: string | null;
  activeTo: string | null;
}

export const toUnit = (r: UnitsTable): Unit => ({
  code: r.code,
  name: r.name,
  kind: r.kind,
  parent: r.parent,
  ownership: r.ownership,
  grade: r.grade,
  activeFrom: r.active_from,
  activeTo: r.active_to,
});

export const tierOf = (u: Unit): Tier | null =>
  u.kind === "hospital" && u.ownership && u.grade ? (`${u.ownership}.g${u.grade}` as Tier) : null;

export async function getUnit(db: Kysely<Database>, code: string): Promise<Unit | null> {
  const fast = hotReadsOf(db);
  if (fast) {
    const hit = fast.unit(code);
    return hit ? toUnit(hit) : null;
  }
  const row = await db.selectFrom("units").selectAll().where("code", "=", code).executeTakeFirst();
  return row ? toUnit(row) : null;
}

/** The unit and its ancestors, nearest first. */
export async function ancestry(db: Kysely<Database>, code: string): Promise<Unit[]> {
  const out: Unit[] = [];
  let next: string | null = code;
  while (next && out.length < 32) {
    const u = await getUnit(db, next);
    if (!u || out.some((x) => x.code === u.code)) break;
    out.push(u);
    next = u.parent;
  }
  return out;
}

/** Whether `upper` is `unit` or one of the units above it. */
export async function atOrAbove(
  db: Kysely<Database>,
  upper: string,
  unit: string
): Promise<boolean> {
  return (await ancestry(db, unit)).some((u) => u.code === upper);
}

/** Inserts or updates units in one transaction; the caller has validated every row. */
export async function upsertUnits(
  db: Kysely<Database>,
  units: readonly UnitInput[]
): Promise<number> {
  await db.transaction().execute(async (trx) => {
    for (const u of units) {
      const row = {
        name: u.name,
        kind: u.kind,
        parent: u.parent,
        ownership: u.ownership,
        grade: u.grade,
        active_from: u.activeFrom,
        active_to: u.activeTo,
      };
      await trx
        .insertInto("units")
        .values({ code: u.code, ...row })
        .onConflict((oc) => oc.column("code").doUpdateSet(row))
        .execute();
    }
    await audit(trx, {
      action: "units.imported",
      detail: { count: units.length, codes: units.map((u) => u.code).slice(0, 200) },
    });
  });
  return units.length;
}
