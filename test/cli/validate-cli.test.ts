import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand } from "../helpers/cli";
import { issueSet, loadFixtures } from "../helpers/fixtures";

const root = join(__dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "tianbao-cli-"));
const cases = loadFixtures();

function argsFor(c: (typeof cases)[number], i: number): string[] {
  const docFile = join(dir, `doc-${i}.json`);
  writeFileSync(docFile, JSON.stringify(c.document));
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
