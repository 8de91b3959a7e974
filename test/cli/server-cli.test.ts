import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/program";
import { openStore } from "../../src/server/db/connect";
import { authenticate } from "../../src/server/tokens";

const dir = mkdtempSync(join(tmpdir(), "tianbao-cli-server-"));
const root = join(__dirname, "..", "..");

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(args, {
    out: (s) => (out += s),
    err: (s) => (err += s),
    setExitCode: () => undefined,
  });
  return { code, out, err };
}

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
