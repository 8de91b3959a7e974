import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand } from "../helpers/cli";
import { openStore } from "../../src/server/db/connect";
import { authenticate } from "../../src/server/tokens";

const dir = mkdtempSync(join(tmpdir(), "tianbao-cli-server-"));
const root = join(__dirname, "..", "..");

const run = runCommand;

/** A fresh database holding the registry of these CSV lines (after the header). */
async function registry(name: string, lines: string): Promise<string> {
  const db = `sqlite:${join(dir, `${name}.sqlite`)}`;
  const csv = join(dir, `${name}.csv`);
  writeFileSync(csv, `code,name,kind,parent,ownership,grade\n${lines}`);
  await run(["units", "import", csv, "--db", db]);
  return db;
}

/** A fresh database holding a county and one public grade-2 hospital. */
const countyWithHospital = (name: string): Promise<string> =>
  registry(name, "C1,县局,bureau,,,\nH1,示例县人民医院,hospital,C1,public,2\n");

async function unitCodes(db: string): Promise<string[]> {
  const store = await openStore(db);
  try {
    return (await store.db.selectFrom("units").select("code").orderBy("code").execute()).map(
      (r) => r.code
    );
  } finally {
    await store.close();
  }
}

describe("cli: units import, token issue, serve", () => {
  it("imports a CSV registry (quoted names, CRLF) and updates it on a second import", async () => {
    const db = `sqlite:${join(dir, "a.sqlite")}`;
    const csv = join(dir, "units.csv");
    writeFileSync(
      csv,
      'code,name,kind,parent,ownership,grade\r\nC1,"示例县卫生健康局",bureau,,,\r\nH1,"人民医院, 总院",hospital,C1,public,2\r\n'
    );
    expect((await run(["units", "import", csv, "--db", db])).code).toBe(0);
    expect(await unitCodes(db)).toEqual(["C1", "H1"]);
    const json = join(dir, "units.json");
    writeFileSync(
      json,
      JSON.stringify([
        {
          code: "H2",
          name: "仁和医院",
          kind: "hospital",
          parent: "C1",
          ownership: "private",
          grade: "1",
        },
      ])
    );
    expect((await run(["units", "import", json, "--db", db])).code).toBe(0);
    expect(await unitCodes(db)).toEqual(["C1", "H1", "H2"]);
  });

  it("reports a bad row with its line number and imports nothing", async () => {
    const db = `sqlite:${join(dir, "b.sqlite")}`;
    const csv = join(dir, "bad.csv");
    writeFileSync(
      csv,
      "code,name,kind,parent,ownership,grade\nC1,县局,bureau,,,\nH1,医院,clinic,C1,public,2\nH2,医院二,hospital,C1,,\n"
    );
    const r = await run(["units", "import", csv, "--db", db]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/line 3: kind/);
    expect(r.err).toMatch(/line 4: ownership: a hospital has ownership and grade/);
    expect(r.err).toMatch(/nothing was imported/);
    expect(await unitCodes(db)).toEqual([]);
  });

  it("token issue prints the token alone, once; the database holds only its hash", async () => {
    const db = `sqlite:${join(dir, "c.sqlite")}`;
    const csv = join(dir, "one.csv");
    writeFileSync(csv, "code,name,kind,parent,ownership,grade\nC1,县局,bureau,,,\n");
    await run(["units", "import", csv, "--db", db]);
    const r = await run(["token", "issue", "--unit", "C1", "--role", "collector", "--db", db]);
    expect(r.code).toBe(0);
    const token = r.out.trim();
    expect(r.out).toMatch(/^tb_[A-Za-z0-9_-]{32}$/);
    const store = await openStore(db);
    expect(await authenticate(store.db, token)).toMatchObject({ unit: "C1", role: "collector" });
    const stored = JSON.stringify(await store.db.selectFrom("tokens").selectAll().execute());
    expect(stored).not.toContain(token);
    await store.close();
    expect(
      (await run(["token", "issue", "--unit", "NOPE", "--role", "reporter", "--db", db])).code
    ).toBe(1);
    expect((await run(["token", "issue", "--unit", "C1", "--role", "boss", "--db", db])).code).toBe(
      2
    );
  });

  it("token issue names the token's id on stderr; token revoke ID or --unit CODE ends tokens at once", async () => {
    const db = await registry("revoke", "C1,县局,bureau,,,\nC2,邻县局,bureau,,,\n");
    const issue = async (unit: string) => {
      const r = await run(["token", "issue", "--unit", unit, "--role", "collector", "--db", db]);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^tb_[A-Za-z0-9_-]{32}\n?$/);
      const id = /token id: ([0-9a-f-]{36})/.exec(r.err)?.[1];
      expect(id).toBeDefined();
      return { token: r.out.trim(), id: id! };
    };
    const a = await issue("C1");
    const b = await issue("C1");
    const c = await issue("C2");
    const alive = async (token: string) => {
      const store = await openStore(db);
      try {
        return (await authenticate(store.db, token)) !== null;
      } finally {
        await store.close();
      }
    };
    const one = await run(["token", "revoke", a.id, "--db", db]);
    expect([one.code, one.out]).toEqual([0, ""]);
    expect([await alive(a.token), await alive(b.token), await alive(c.token)]).toEqual([
      false,
      true,
      true,
    ]);
    expect((await run(["token", "revoke", a.id, "--db", db])).code).toBe(1);
    const unit = await run(["token", "revoke", "--unit", "C1", "--db", db]);
    expect(unit.code).toBe(0);
    expect(unit.err).toMatch(/revoked 1 token/);
    expect([await alive(b.token), await alive(c.token)]).toEqual([false, true]);
    expect((await run(["token", "revoke", "--db", db])).code).toBe(2);
    expect((await run(["token", "revoke", c.id, "--unit", "C2", "--db", db])).code).toBe(2);
    expect((await run(["token", "revoke", "--unit", "NOPE", "--db", db])).code).toBe(1);
    expect(await alive(c.token)).toBe(true);
  });

  it("serve answers health, then finishes and exits 0 on SIGTERM", async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, "127.0.0.1", () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli/index.ts",
        "serve",
        "--http",
        "--demo",
        "--port",
        String(port),
        "--host",
        "127.0.0.1",
        "--db",
        `sqlite:${join(dir, "serve.sqlite")}`,
      ],
      { cwd: root, stdio: "pipe" }
    );
    let log = "";
    child.stderr.on("data", (d: Buffer) => (log += d.toString()));
    let health: unknown = null;
    for (let i = 0; i < 100 && !health; i++) {
      await new Promise((r) => setTimeout(r, 200));
      health = await fetch(`http://127.0.0.1:${port}/api/v1/health`).then(
        (r) => r.json(),
        () => null
      );
    }
    expect(health).toEqual({ status: "ok", db: "sqlite", version: expect.any(String) });
    expect(log).toMatch(/Demo reporter token .*: tb_/);
    const exited = new Promise<number | null>((resolve) =>
      child.on("exit", (code) => resolve(code))
    );
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});

describe("cli: template xlsx and manifest --host", () => {
  it("writes a blank template for a unit of the registry, with its name and tier", async () => {
    const db = await countyWithHospital("t");
    const out = join(dir, "blank.xlsx");
    const r = await run([
      "template",
      "xlsx",
      "--template",
      "stat-3",
      "--period",
      "2022-03",
      "--unit",
      "H1",
      "--out",
      out,
      "--db",
      db,
    ]);
    expect(r.code).toBe(0);
    const ExcelJS = (await import("exceljs")).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe("表三 2022-03");
    expect(ws.getCell("A1").value).toBe("附件3");
    expect(ws.getCell("A2").value).toBe("2022年深入整治医疗领域腐败和作风问题工作情况统计表（三）");
    expect(ws.getCell("A3").value).toBe("统计时段：2022年1月至3月");
    expect(ws.getCell("C4").value).toBe("示例县人民医院");
    expect(
      (await run(["template", "xlsx", "--template", "stat-9", "--period", "2022-03", "--out", out]))
        .code
    ).toBe(2);
    expect(
      (await run(["template", "xlsx", "--template", "stat-3", "--period", "2022-3", "--out", out]))
        .code
    ).toBe(2);
  });

  it("writes a manifest for another host that still passes the manifest checks", async () => {
    const r = await run(["manifest", "--host", "https://tianbao.example.gov.cn:8443"]);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain("localhost");
    expect(r.out).toContain("https://tianbao.example.gov.cn:8443/addin/taskpane.html");
    const { checkManifest } = await import("../../scripts/manifest-check");
    // Icons resolve by path under assets/, so the host does not matter to that check.
    expect((await checkManifest(r.out)).errors).toEqual([]);
    expect((await run(["manifest", "--host", "http://insecure.example"])).code).toBe(2);
    expect((await run(["manifest", "--host", "https://x.example/addin"])).code).toBe(2);
  });
});

describe("cli: import xlsx", () => {
  it("imports a filled official file as a validated submission, once per file; a broken one is refused with its issues", async () => {
    const db = await countyWithHospital("imp");
    const { layoutPlan } = await import("../../src/core/layout/plan");
    const { writeXlsx } = await import("../../src/xlsx/write");
    const { templates } = await import("../../src/templates");
    const plan = layoutPlan(templates().get("stat-3")!, {
      period: "2021-07",
      unit: { code: "H1", name: "示例县人民医院" },
    });
    const cells = Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`c${i + 1}`, 0]));
    const doc = (extra: Record<string, number>) => ({
      template: "stat-3",
      templateVersion: 1,
      period: "2021-07",
      unit: "H1",
      header: {
        reportingUnit: "示例县人民医院",
        filledOn: "2021-08-10",
        preparer: "李某",
        phone: "13800000000",
      },
      rows: [{ key: "public.g2", cells: { ...cells, c1: 4, ...extra } }],
    });
    const good = join(dir, "good.xlsx");
    writeFileSync(good, await writeXlsx(plan, { doc: doc({}) }));
    const first = await run([
      "import",
      "xlsx",
      good,
      "--unit",
      "H1",
      "--period",
      "2021-07",
      "--db",
      db,
    ]);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ unit: "H1", template: "stat-3", version: 1 });
    const again = await run([
      "import",
      "xlsx",
      good,
      "--unit",
      "H1",
      "--period",
      "2021-07",
      "--db",
      db,
    ]);
    expect(JSON.parse(again.out).id).toBe(JSON.parse(first.out).id);
    const bad = join(dir, "bad.xlsx");
    writeFileSync(bad, await writeXlsx(plan, { doc: doc({ c10: 2.5 }) }));
    const refused = await run([
      "import",
      "xlsx",
      bad,
      "--unit",
      "H1",
      "--period",
      "2021-07",
      "--db",
      db,
    ]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/\[public\.g2\.c10\].*涉案金额/);
    const notXlsx = join(dir, "not.xlsx");
    writeFileSync(notXlsx, "hello");
    expect(
      (await run(["import", "xlsx", notXlsx, "--unit", "H1", "--period", "2021-07", "--db", db]))
        .code
    ).toBe(2);
    const { openStore: open } = await import("../../src/server/db/connect");
    const store = await open(db);
    expect(
      (await store.db.selectFrom("submissions").select("version").execute()).map((r) => r.version)
    ).toEqual([1]);
    await store.close();
  });
});
