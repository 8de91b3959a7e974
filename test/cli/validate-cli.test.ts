import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand } from "../helpers/cli";
import type { SheetDocument } from "../../src/core/schema/document";
import { validateParsed } from "../../src/core/validate/engine";
import { templates } from "../../src/templates";
import { explainedDocument, issueSet, loadFixtures } from "../helpers/fixtures";

const root = join(__dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "tianbao-cli-"));
const cases = loadFixtures();

function argsFor(c: (typeof cases)[number], i: number): string[] {
  const docFile = join(dir, `doc-${i}.json`);
  // Each warning that needs a 说明 has one: the fixtures predate explanations.
  const marked = templates().get(c.document.template)!.explanationRules;
  writeFileSync(docFile, JSON.stringify(explainedDocument(c, marked)));
  const args = ["validate", docFile, "--json", "--phase", c.phase];
  if (c.previous) {
    const prevFile = join(dir, `prev-${i}.json`);
    writeFileSync(prevFile, JSON.stringify(c.previous));
    args.push("--previous", prevFile);
  }
  if (c.tier) args.push("--tier", c.tier);
  return args;
}

const run = runCommand;

describe("cli validate", () => {
  it.each(cases.map((c, i) => [c.name, c, i] as const))(
    "%s gives the expected set and exit code",
    async (_n, c, i) => {
      const r = await run(argsFor(c, i));
      const parsed = JSON.parse(r.out) as {
        issues: { rule: string; severity: "error" | "warning"; row: string; col: string }[];
      };
      expect(Object.keys(parsed)).toEqual(["issues"]);
      expect(issueSet(parsed.issues)).toEqual(issueSet(c.expect));
      expect(r.code).toBe(c.expect.some((e) => e.severity === "error") ? 1 : 0);
    }
  );

  describe("--history FILE (a JSON array of the unit's stored documents)", () => {
    const doc = (period: string, c5: number | null, c10 = 0): SheetDocument => ({
      template: "stat-3",
      templateVersion: 1,
      period,
      unit: "H1",
      header: { reportingUnit: "示例县人民医院", preparer: "李某", phone: "13800000000" },
      rows: [{ key: "public.g2", cells: c5 === null ? {} : { c5, c10 } }],
    });
    // 2025: c5 grows by 2 a month and c10 by 0.5 万元; 2026-01 jumps.
    const history = Array.from({ length: 12 }, (_, m) =>
      doc(`2025-${String(m + 1).padStart(2, "0")}`, 2 * (m + 1), 0.5 * (m + 1))
    );
    const current = doc("2026-01", 40, 9.5);

    it("gives the same issues as the engine, outliers and explanation.required included", async () => {
      const docFile = join(dir, "hist-doc.json");
      const histFile = join(dir, "hist.json");
      writeFileSync(docFile, JSON.stringify(current));
      writeFileSync(histFile, JSON.stringify(history));
      for (const phase of ["fill", "submit"] as const) {
        const r = await run([
          "validate",
          docFile,
          "--json",
          "--phase",
          phase,
          "--tier",
          "public.g2",
          "--history",
          histFile,
        ]);
        const engine = validateParsed(templates().get("stat-3")!, current, {
          phase,
          tier: "public.g2",
          history,
        });
        expect(JSON.parse(r.out)).toEqual({ issues: engine });
        const outliers = engine.filter((i) => i.rule === "history.outlier");
        expect(outliers.map((i) => i.col)).toEqual(["c5", "c10"]);
        expect(engine.filter((i) => i.rule === "explanation.required").map((i) => i.col)).toEqual(
          phase === "submit" ? ["c5", "c10"] : []
        );
      }
    });

    it("writes the month for people in its report (表三 2026年1月), not the key 2026-01", async () => {
      const docFile = join(dir, "human-doc.json");
      writeFileSync(docFile, JSON.stringify(current));
      const r = await run(["validate", docFile, "--tier", "public.g2"]);
      expect(r.out.split("\n")[0]).toMatch(/^表三 2026年1月 H1: /);
    });

    it("exits 2 when the history is not an array of sheet documents, naming the item", async () => {
      const docFile = join(dir, "hist-doc.json");
      writeFileSync(docFile, JSON.stringify(current));
      const notArray = join(dir, "hist-object.json");
      writeFileSync(notArray, JSON.stringify(history[0]));
      const a = await run(["validate", docFile, "--history", notArray]);
      expect(a.code).toBe(2);
      expect(a.err).toMatch(/--history .*JSON 数组/);
      const badItem = join(dir, "hist-bad.json");
      writeFileSync(badItem, JSON.stringify([history[0], { hello: 1 }]));
      const b = await run(["validate", docFile, "--history", badItem]);
      expect(b.code).toBe(2);
      expect(b.err).toMatch(/\[1\]/);
    });
  });

  it("exits 2 for a file that is not a sheet document, and for bad JSON", async () => {
    const notDoc = join(dir, "not-doc.json");
    writeFileSync(notDoc, JSON.stringify({ hello: "world" }));
    const bad = join(dir, "bad.json");
    writeFileSync(bad, '{"template": ');
    const a = await run(["validate", notDoc, "--json"]);
    expect(a.code).toBe(2);
    expect(a.out).toBe("");
    expect(a.err).toMatch(/不是填报表文档: template/);
    const b = await run(["validate", bad]);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/is not JSON/);
    const c = await run(["validate", join(dir, "missing.json")]);
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/ENOENT/);
  });

  it("refuses an unknown tier or phase with exit 2", async () => {
    const args = argsFor(cases[0]!, 999);
    expect((await run([...args, "--tier", "public.g9"])).code).toBe(2);
    expect((await run(["validate", args[1]!, "--phase", "draft"])).code).toBe(2);
  });

  it("runs as `npm run --silent cli -- validate FILE --json` with nothing else on stdout", () => {
    // stat-2-25: 合计 over a blank part, the corrected fixture of the subtotal semantics.
    for (const [n, name] of ["stat-3-3", "stat-2-25"].entries()) {
      const c = cases.find((x) => x.name === name)!;
      const args = argsFor(c, 1000 + 10 * n);
      const r = spawnSync("npm", ["run", "--silent", "cli", "--", ...args], {
        cwd: root,
        encoding: "utf8",
      });
      expect(r.status).toBe(1);
      const issues = (JSON.parse(r.stdout) as { issues: [] }).issues;
      expect(issueSet(issues)).toEqual(issueSet(c.expect));
    }
    const clean = cases.find((x) => x.name === "clean-stat-3-hospital")!;
    const r2 = spawnSync("npm", ["run", "--silent", "cli", "--", ...argsFor(clean, 1001)], {
      cwd: root,
      encoding: "utf8",
    });
    expect(r2.status).toBe(0);
    expect(r2.stdout.trim()).toBe('{"issues":[]}');
  });
});
