import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCommand as run } from "../helpers/cli";
import { CliServer, freePort } from "../helpers/cli-server";
import { createTestDb, type TestDb } from "../helpers/server";

const dir = mkdtempSync(join(tmpdir(), "tianbao-cli-templates-"));
const SAMPLE_FILE = join(__dirname, "..", "..", "examples", "jkfp", "jkfp-1.json");
const SAMPLE = JSON.parse(readFileSync(SAMPLE_FILE, "utf8")) as {
  rules: { check: string }[];
};

describe("cli: templates import, list, retire", () => {
  it("imports the sample table next to the built-in pack, and a second import is a no-op", async () => {
    const db = `sqlite:${join(dir, "a.sqlite")}`;
    const first = await run(["templates", "import", SAMPLE_FILE, "--db", db]);
    expect(first.code).toBe(0);
    expect(first.out).toBe("jkfp-1 version 1 installed\n");
    const again = await run(["templates", "import", SAMPLE_FILE, "--db", db]);
    expect(again.code).toBe(0);
    expect(again.out).toBe("jkfp-1 version 1 unchanged\n");
    const list = await run(["templates", "list", "--db", db]);
    expect(list.code).toBe(0);
    expect(
      list.out
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split("\t").slice(0, 3).join(" "))
    ).toEqual([
      "stat-1 1 in-use",
      "stat-2 1 in-use",
      "stat-3 1 in-use",
      "ledger 1 in-use",
      "jkfp-1 1 in-use",
    ]);
    const retired = await run(["templates", "retire", "jkfp-1", "--db", db]);
    expect(retired.code).toBe(0);
    expect((await run(["templates", "list", "--db", db])).out).toMatch(/jkfp-1\t1\tretired/);
    const unknown = await run(["templates", "retire", "nope", "--db", db]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/nope/);
  });

  it("refuses a wrong definition with its place, and installs nothing", async () => {
    const db = `sqlite:${join(dir, "b.sqlite")}`;
    const bad = JSON.parse(JSON.stringify(SAMPLE)) as typeof SAMPLE;
    bad.rules[2]!.check = "c6 <= (c5";
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify(bad));
    const r = await run(["templates", "import", file, "--db", db]);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/\/rules\/2\/check/);
    expect((await run(["templates", "list", "--db", db])).out).not.toMatch(/jkfp-1/);
    const notJson = join(dir, "not.json");
    writeFileSync(notJson, "{ nope");
    expect((await run(["templates", "import", notJson, "--db", db])).code).toBe(2);
  });
});

describe.each(["sqlite", "postgres"] as const)(
  "cli: a table installed into a running server on %s",
  (kind) => {
    let db: TestDb;
    let server: CliServer;
    beforeAll(async () => {
      db = await createTestDb(kind);
      server = new CliServer(await freePort(), db.url);
      await server.start(true);
    }, 60_000);
    afterAll(async () => {
      await server.stop();
      await db.drop();
    });

    it("is served, taken and consolidated at once, without a restart", async () => {
      const ids = async () =>
        (
          (await (await fetch(`${server.base}/api/v1/templates`)).json()) as {
            templates: { id: string }[];
          }
        ).templates.map((t) => t.id);
      expect(await ids()).not.toContain("jkfp-1");
      const pid = server.pid;
      expect((await run(["templates", "import", SAMPLE_FILE, "--db", db.url])).code).toBe(0);
      expect(await ids()).toContain("jkfp-1");
      const { reporter, collector } = server.tokens();
      const me = await server.api<{ unit: { code: string; parent: string } }>("/me", reporter);
      const doc = {
        template: "jkfp-1",
        templateVersion: 1,
        period: "2021-06",
        unit: me.unit.code,
        header: {
          reportingUnit: "示例县中医医院",
          filledOn: "2021-07-05",
          preparer: "李某",
          phone: "13800000000",
        },
        rows: [{ key: "public.g2", cells: { c1: 5, c2: 4, c3: 2, c4: 2, c5: 0, c6: 0 } }],
      };
      const res = await fetch(`${server.base}/api/v1/submissions`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${reporter}`,
          "idempotency-key": randomUUID(),
          "content-type": "application/json",
        },
        body: JSON.stringify(doc),
      });
      expect(res.status).toBe(201);
      const cons = await server.api<{
        document: { rows: { key: string; cells: Record<string, number> }[] };
      }>(`/consolidated?template=jkfp-1&period=2021-06&unit=${me.unit.parent}`, collector);
      expect(cons.document.rows.find((r) => r.key === "all")?.cells).toMatchObject({
        c1: 5,
        c2: 4,
        c7: 7,
        c8: 6,
      });
      expect(server.pid).toBe(pid);
    });
  }
);
