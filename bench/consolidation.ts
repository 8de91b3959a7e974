import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { TIERS } from "../src/core/schema/template";
import { openStore } from "../src/server/db/connect";
import { consolidatedFor, loadTree } from "../src/server/reports";
import { templates } from "../src/templates";
import { round } from "./timing";

/**
 * A city of `counties` × `hospitals` with 12 months of stat-3: the consolidated table of the city
 * (the server's path: the tree, one query for the latest versions, the sums in TypeScript) against
 * one hand-written SELECT … SUM over the same rows, in the same run.
 */
export async function benchConsolidation(quick: boolean): Promise<{
  units: number;
  submissions: number;
  oursMs: number;
  rawSqlMs: number;
  ratioToRawSql: number;
}> {
  const counties = quick ? 10 : 100;
  const hospitals = quick ? 10 : 100;
  const dir = mkdtempSync(join(tmpdir(), "tianbao-bench-consolidation-"));
  const store = await openStore(`sqlite:${join(dir, "bench.sqlite")}`);
  const { db } = store;
  const t = templates().get("stat-3")!;
  const units: {
    code: string;
    name: string;
    kind: "bureau" | "hospital";
    parent: string | null;
    ownership: "public" | "private" | null;
    grade: "1" | "2" | "3" | null;
    active_from: null;
    active_to: null;
  }[] = [
    {
      code: "CITY",
      name: "市",
      kind: "bureau",
      parent: null,
      ownership: null,
      grade: null,
      active_from: null,
      active_to: null,
    },
  ];
  for (let c = 0; c < counties; c++) {
    const county = `C${c}`;
    units.push({
      code: county,
      name: `县${c}`,
      kind: "bureau",
      parent: "CITY",
      ownership: null,
      grade: null,
      active_from: null,
      active_to: null,
    });
    for (let h = 0; h < hospitals; h++) {
      const tier = TIERS[(c + h) % TIERS.length]!;
      units.push({
        code: `${county}H${h}`,
        name: `医院${c}-${h}`,
        kind: "hospital",
        parent: county,
        ownership: tier.startsWith("public") ? "public" : "private",
        grade: tier.slice(-1) as "1" | "2" | "3",
        active_from: null,
        active_to: null,
      });
    }
  }
  let submissions = 0;
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < units.length; i += 500)
      await trx
        .insertInto("units")
        .values(units.slice(i, i + 500))
        .execute();
    const rows: Parameters<ReturnType<typeof trx.insertInto<"submissions">>["values"]>[0] = [];
    for (const u of units) {
      if (u.kind !== "hospital") continue;
      const row = t.tiers.get(`${u.ownership}.g${u.grade}` as (typeof TIERS)[number])!;
      for (let m = 1; m <= 12; m++) {
        const period = `2021-${String(m).padStart(2, "0")}`;
        const cells = Object.fromEntries(
          Array.from({ length: 13 }, (_, k) => [`c${k + 1}`, (m * (k + 1)) % 17])
        );
        (rows as unknown[]).push({
          id: `${u.code}-${m}`,
          unit: u.code,
          template: "stat-3",
          template_version: 1,
          period,
          version: 1,
          received_at: `${period}-28T00:00:00.000Z`,
          on_time: 1,
          document: JSON.stringify({
            template: "stat-3",
            templateVersion: 1,
            period,
            unit: u.code,
            header: {},
            rows: [{ key: row, cells }],
          }),
          issues: "[]",
          token_id: "bench",
          remote_addr: "bench",
        });
      }
    }
    for (let i = 0; i < (rows as unknown[]).length; i += 500)
      await trx
        .insertInto("submissions")
        .values((rows as never[]).slice(i, i + 500))
        .execute();
    submissions = (rows as unknown[]).length;
  });

  const period = "2021-06";
  const ours = async () => {
    const tree = await loadTree(db);
    return consolidatedFor(db, tree, t, tree.units.get("CITY")!, period);
  };
  const sums = Array.from(
    { length: 13 },
    (_, k) => `SUM(json_extract(r.value, '$.cells.c${k + 1}'))`
  ).join(", ");
  const raw = () =>
    sql
      .raw(
        `SELECT json_extract(r.value, '$.key') AS k, ${sums} FROM submissions s, json_each(s.document, '$.rows') r WHERE s.template = 'stat-3' AND s.period = '${period}' GROUP BY k`
      )
      .execute(db);

  const median = async (fn: () => Promise<unknown>, n: number): Promise<number> => {
    await fn();
    const xs: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await fn();
      xs.push(performance.now() - t0);
    }
    return xs.sort((a, b) => a - b)[Math.floor(n / 2)]!;
  };
  // The two agree before they are timed.
  const a = (await ours())!.doc.rows.find((r) => r.key === "all")!.cells.c1;
  const b = (await raw()).rows as Record<string, unknown>[];
  const total = b.reduce((n, r) => n + Number(Object.values(r)[1]), 0);
  if (a !== total) throw new Error(`consolidation ${String(a)} differs from SQL ${total}`);

  const oursMs = await median(ours, quick ? 3 : 7);
  const rawSqlMs = await median(raw, quick ? 3 : 7);
  await store.close();
  return {
    units: units.length,
    submissions,
    oursMs: round(oursMs, 1),
    rawSqlMs: round(rawSqlMs, 1),
    ratioToRawSql: round(oursMs / rawSqlMs),
  };
}

if (require.main === module)
  void benchConsolidation(process.argv.includes("--quick")).then((r) => console.log(r));
