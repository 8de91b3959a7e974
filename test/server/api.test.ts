import { randomUUID } from "node:crypto";
import type { SheetDocument } from "../../src/core/schema/document";
import { validateDocument } from "../../src/core/validate/document";
import { issueToken } from "../../src/server/tokens";
import { upsertUnits } from "../../src/server/units";
import { templates } from "../../src/templates";
import { explainedDocument, issueSet, loadFixtures, type FixtureCase } from "../helpers/fixtures";
import { createTestDb, startTestServer, type TestDb, type TestServer } from "../helpers/server";
import { storeVersion } from "../helpers/stored";

const stat3 = (
  unit: string,
  tier: string,
  c1: number,
  extra: Record<string, unknown> = {}
): SheetDocument => ({
  template: "stat-3",
  templateVersion: 1,
  period: "2021-07",
  unit,
  header: {
    reportingUnit: "示例县人民医院",
    filledOn: "2021-08-10",
    preparer: "李某",
    phone: "13800000000",
  },
  rows: [
    {
      key: tier,
      cells: {
        ...Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`c${i + 1}`, 0])),
        c1,
        ...extra,
      },
    },
  ],
});

describe.each(["sqlite", "postgres"] as const)("HTTP API on %s", (kind) => {
  let db: TestDb;
  let s: TestServer;
  beforeAll(async () => {
    db = await createTestDb(kind);
    s = await startTestServer(db.url, { bodyLimit: 256 * 1024 });
  });
  afterAll(async () => {
    await s.close();
    await db.drop();
  });

  const call = (
    method: "GET" | "POST" | "DELETE",
    url: string,
    opts: { token?: string; body?: unknown; key?: string; raw?: string; type?: string } = {}
  ) =>
    s.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: {
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...(opts.key ? { "idempotency-key": opts.key } : {}),
        ...(opts.body !== undefined || opts.raw !== undefined
          ? { "content-type": opts.type ?? "application/json" }
          : {}),
      },
      payload: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    });
  const submitDoc = (doc: unknown, token: string, key = randomUUID()) =>
    call("POST", "/submissions", { token, body: doc, key });

  it("answers health with the database kind, and lists the templates", async () => {
    const h = await call("GET", "/health");
    expect(h.statusCode).toBe(200);
    expect(h.json()).toEqual({ status: "ok", db: kind, version: "test" });
    const t = await call("GET", "/templates");
    expect(t.json().templates.map((x: { id: string }) => x.id)).toEqual([
      "stat-1",
      "stat-2",
      "stat-3",
      "ledger",
    ]);
    expect((await call("GET", "/templates/stat-3")).json().title).toMatch(/统计表（三）/);
    expect((await call("GET", "/templates/nope")).statusCode).toBe(404);
  });

  it("serves OpenAPI generated from the zod schemas", async () => {
    const r = await call("GET", "/openapi.json");
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/submissions", "/validate", "/status", "/consolidated", "/locks"])
    );
    const sheet = doc.components.schemas.SheetDocument;
    expect(sheet.required).toEqual(
      expect.arrayContaining(["template", "templateVersion", "period", "unit", "rows"])
    );
    expect(sheet.properties.period.pattern).toBe("^\\d{4}-(0[1-9]|1[0-2])$");
    expect(doc.paths["/submissions"].post.responses["409"]).toBeDefined();
  });

  it("OpenAPI carries the review routes and shapes (docs/review.md)", async () => {
    const doc = (await call("GET", "/openapi.json")).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/reviews", "/submissions/{id}/diff"])
    );
    expect(Object.keys(doc.paths["/locks"])).toEqual(
      expect.arrayContaining(["get", "post", "delete"])
    );
    const reviews = doc.paths["/reviews"].post;
    expect(Object.keys(reviews.responses)).toEqual(
      expect.arrayContaining(["200", "400", "401", "403", "409"])
    );
    const schemas = doc.components.schemas;
    expect(schemas.ReviewRequest.properties.decision.enum).toEqual(["accept", "return"]);
    expect(schemas.ReviewResult.required).toEqual(
      expect.arrayContaining(["version", "state", "reason", "reviewedAt", "reviewer"])
    );
    expect(schemas.StatusEntry.properties.state.enum).toEqual([
      "missing",
      "submitted",
      "returned",
      "accepted",
    ]);
    expect(Object.keys(schemas.LockState.properties).sort()).toEqual([
      "at",
      "by",
      "byName",
      "locked",
    ]);
    expect(Object.keys(schemas.Diff.properties).sort()).toEqual(["changes", "from", "to"]);
    expect(Object.keys(schemas.Coverage.properties).sort()).toEqual([
      "accepted",
      "expected",
      "submitted",
    ]);
    const only = doc.paths["/consolidated"].get.parameters.find(
      (p: { name: string }) => p.name === "only"
    );
    expect(only).toBeDefined();
  });

  it("GET /me: the token's unit and role; 401 without a valid token", async () => {
    const me = await call("GET", "/me", { token: s.tokens.H1 });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      role: "reporter",
      unit: { code: "H1", kind: "hospital", ownership: "public", grade: "2", parent: "CTY" },
    });
    expect((await call("GET", "/me")).statusCode).toBe(401);
    expect((await call("GET", "/me", { token: "tb_notarealtokennotarealtoken" })).statusCode).toBe(
      401
    );
  });

  it("the scheme of Authorization is case-insensitive (RFC 9110 §11.1); anything but one token after it is 401", async () => {
    for (const scheme of ["bearer", "BEARER", "Bearer"]) {
      const r = await s.app.inject({
        method: "GET",
        url: "/api/v1/me",
        headers: { authorization: `${scheme} ${s.tokens.H1}` },
      });
      expect([scheme, r.statusCode]).toEqual([scheme, 200]);
    }
    for (const header of [
      `Basic ${s.tokens.H1}`,
      `Bearer${s.tokens.H1}`,
      `Bearer ${s.tokens.H1} ${s.tokens.H1}`,
    ]) {
      const r = await s.app.inject({
        method: "GET",
        url: "/api/v1/me",
        headers: { authorization: header },
      });
      expect([header.slice(0, 7), r.statusCode]).toEqual([header.slice(0, 7), 401]);
    }
  });

  /** A fixture's unit with the fixture's tier in the registry, its previous document stored as accepted. */
  const registerFixtureUnit = async (c: FixtureCase, code: string): Promise<void> => {
    const [ownership, grade] = c.tier
      ? (c.tier.split(".g") as ["public" | "private", "1" | "2" | "3"])
      : [null, null];
    await upsertUnits(s.store.db, [
      {
        code,
        name: c.name,
        // A kind that reports the fixture's table (a unit submits only the templates its kind reports);
        // a stat-3 fixture without a tier is a hospital the registry gives no tier.
        kind:
          (
            { "stat-1": "department", "stat-3": "hospital" } as Record<
              string,
              "department" | "hospital"
            >
          )[c.document.template] ?? "bureau",
        parent: "CTY",
        ownership,
        grade,
        activeFrom: null,
        activeTo: null,
      },
    ]);
    if (c.previous) await storeVersion(s.store.db, { ...c.previous, unit: code });
  };

  it("POST /validate gives every fixture's exact issue set, as the engine does", async () => {
    const cases = loadFixtures();
    for (const [i, c] of cases.entries()) {
      const code = `FX-${i}`;
      await registerFixtureUnit(c, code);
      // Each warning that needs a 说明 has one, so the set is exactly the fixture's (the
      // fixtures predate explanations; test/core/fixtures.test.ts checks them without too).
      const document = explainedDocument(c, templates().get(c.document.template)!.explanationRules);
      const r = await call("POST", `/validate?phase=${c.phase}`, {
        token: s.tokens.CTY,
        body: { ...document, unit: code },
      });
      expect(r.statusCode).toBe(200);
      // The server adds what the engine cannot know: a stat-1 row keyed by another unit than the
      // document's (here every unit row, as the fixture's unit was renamed) is stat-1.foreign-row.
      const issues = r.json().issues as Parameters<typeof issueSet>[0];
      const foreign = issues.filter((i) => i.rule === "stat-1.foreign-row");
      expect(issueSet(foreign)).toEqual(
        issueSet(
          c.document.template === "stat-1"
            ? c.document.rows
                .filter((row) => row.key !== "total")
                .map((row) => ({
                  rule: "stat-1.foreign-row",
                  severity: "error",
                  row: row.key,
                  col: "name",
                }))
            : []
        )
      );
      const own = issues.filter((i) => i.rule !== "stat-1.foreign-row");
      const engine = validateDocument(document, templates(), {
        phase: c.phase,
        tier: c.tier,
        previous: c.previous,
      });
      if (!engine.ok) throw new Error(engine.error.message);
      expect(issueSet(own)).toEqual(issueSet(c.expect));
      expect(issueSet(own)).toEqual(issueSet(engine.issues));
    }
  });

  it("POST /submissions answers every fixture checked at submission with its exact issue set", async () => {
    // A stat-1 with several unit rows is a county's sheet: no reporter may send it (stat-1.foreign-row,
    // tested in the access suite); those fixtures are proven through /validate above.
    const cases = loadFixtures().filter(
      (c) =>
        c.phase === "submit" && (c.document.template !== "stat-1" || c.document.rows.length <= 1)
    );
    expect(cases.length).toBeGreaterThan(20);
    for (const [i, c] of cases.entries()) {
      const code = `FXS-${i}`;
      await registerFixtureUnit(c, code);
      const { token } = await issueToken(s.store.db, code, "reporter");
      // A reporter's stat-1 row is keyed by its own code: the fixture's one row is renamed so.
      const own = c.document.template === "stat-1" ? c.document.rows[0]?.key : undefined;
      const rekey = <T extends { row?: string; key?: string }>(x: T): T =>
        own === undefined
          ? x
          : {
              ...x,
              ...(x.row === own ? { row: code } : {}),
              ...(x.key === own ? { key: code } : {}),
            };
      const document = explainedDocument(c, templates().get(c.document.template)!.explanationRules);
      const r = await submitDoc(
        {
          ...document,
          unit: code,
          rows: document.rows.map(rekey),
          ...(document.explanations ? { explanations: document.explanations.map(rekey) } : {}),
        },
        token
      );
      const expected = c.expect.map(rekey);
      const errors = expected.some((e) => e.severity === "error");
      // An error refuses the document with every issue; otherwise the receipt carries the warnings.
      expect([c.name, r.statusCode]).toEqual([c.name, errors ? 422 : 201]);
      const issues = errors ? r.json().issues : r.json().warnings;
      expect([c.name, issueSet(issues)]).toEqual([c.name, issueSet(expected)]);
    }
  });

  describe("POST /submissions", () => {
    it("accepts a clean document with 201 and a receipt; a warning never blocks", async () => {
      const r = await submitDoc(stat3("H1", "public.g2", 4, { c2: 2, c3: 1 }), s.tokens.H1);
      expect(r.statusCode).toBe(201);
      const body = r.json();
      expect(body).toMatchObject({ unit: "H1", template: "stat-3", period: "2021-07", version: 1 });
      expect(typeof body.id).toBe("string");
      expect(typeof body.onTime).toBe("boolean");
      expect(body.warnings.map((w: { rule: string }) => w.rule)).toEqual(["stat-3.c3-ge-c2"]);
    });

    it("gives each documented status code", async () => {
      const doc = stat3("H1", "public.g2", 5);
      expect(
        (await call("POST", "/submissions", { token: s.tokens.H1, body: doc })).json()
      ).toEqual({ error: "idempotency-key-required" });
      expect(
        (await call("POST", "/submissions", { token: s.tokens.H1, body: doc })).statusCode
      ).toBe(400);
      const notJson = await call("POST", "/submissions", {
        token: s.tokens.H1,
        raw: "{not json",
        key: randomUUID(),
      });
      expect(notJson.statusCode).toBe(400);
      expect(notJson.json().error).toBe("bad-request");
      const notDoc = await submitDoc({ template: "stat-3" }, s.tokens.H1);
      expect(notDoc.statusCode).toBe(400);
      expect(notDoc.json()).toMatchObject({ error: "bad-request" });
      expect((await submitDoc(doc, "")).statusCode).toBe(401);
      expect(
        (await call("POST", "/submissions", { body: doc, key: randomUUID() })).statusCode
      ).toBe(401);
      expect((await submitDoc(doc, s.tokens.H2)).statusCode).toBe(403);
      expect((await submitDoc(doc, s.tokens.CTY)).statusCode).toBe(403);
      expect((await submitDoc({ ...doc, template: "stat-9" }, s.tokens.H1)).statusCode).toBe(404);
      const bad = await submitDoc(stat3("H1", "public.g2", 1, { c10: 2 }), s.tokens.H1);
      expect(bad.statusCode).toBe(422);
      expect(bad.json().error).toBe("validation");
      expect(
        bad
          .json()
          .issues.map(
            (i: { rule: string; row: string; col: string }) => `${i.rule}@${i.row}.${i.col}`
          )
      ).toContain("stat-3.c10-needs-c8@public.g2.c10");
      const huge = await call("POST", "/submissions", {
        token: s.tokens.H1,
        key: randomUUID(),
        raw: JSON.stringify({ ...doc, pad: "x".repeat(300 * 1024) }),
      });
      expect(huge.statusCode).toBe(413);
      expect(huge.json().error).toBe("payload-too-large");
    });

    it("403 for a unit the registry does not have, as for a unit one may not read", async () => {
      await upsertUnits(s.store.db, []);
      const r = await call("POST", "/validate", {
        token: s.tokens.H1,
        body: stat3("NOPE", "public.g2", 1),
      });
      expect(r.statusCode).toBe(403);
      expect(r.json().error).toBe("forbidden");
    });

    it("replays an idempotency key with the first answer; a different body with it is 422", async () => {
      const key = randomUUID();
      const doc = stat3("H2", "private.g1", 3);
      const first = await submitDoc(doc, s.tokens.H2, key);
      const again = await submitDoc(doc, s.tokens.H2, key);
      expect(first.statusCode).toBe(201);
      expect(again.statusCode).toBe(201);
      expect(again.json()).toEqual(first.json());
      const other = await submitDoc(stat3("H2", "private.g1", 4), s.tokens.H2, key);
      expect(other.statusCode).toBe(422);
      expect(other.json()).toEqual({ error: "idempotency-mismatch" });
    });

    it("50 concurrent submissions of one report get versions exactly 1…50", async () => {
      const doc = (i: number) => ({ ...stat3("H3", "public.g3", i), period: "2021-05" });
      const replies = await Promise.all(
        Array.from({ length: 50 }, (_, i) => submitDoc(doc(i), s.tokens.H3))
      );
      expect(replies.map((r) => r.statusCode)).toEqual(Array(50).fill(201));
      expect(replies.map((r) => r.json().version).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 50 }, (_, i) => i + 1)
      );
      const stored = await s.store.db
        .selectFrom("submissions")
        .select("version")
        .where("unit", "=", "H3")
        .where("period", "=", "2021-05")
        .execute();
      expect(stored.map((r) => r.version).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 50 }, (_, i) => i + 1)
      );
    });

    it("50 concurrent replays of one key give one version", async () => {
      const key = randomUUID();
      const doc = { ...stat3("H3", "public.g3", 7), period: "2021-04" };
      const replies = await Promise.all(
        Array.from({ length: 50 }, () => submitDoc(doc, s.tokens.H3, key))
      );
      const ok = replies.filter((r) => r.statusCode === 201);
      // A replay that meets the first request still running may be told 409 in-flight; none makes a version.
      expect(
        replies.every(
          (r) => r.statusCode === 201 || (r.statusCode === 409 && r.json().error === "in-flight")
        )
      ).toBe(true);
      expect(new Set(ok.map((r) => r.json().id)).size).toBe(1);
      const stored = await s.store.db
        .selectFrom("submissions")
        .select("version")
        .where("unit", "=", "H3")
        .where("period", "=", "2021-04")
        .execute();
      expect(stored.map((r) => r.version)).toEqual([1]);
    });

    it("a locked period refuses with 409 until unlocked; locks are audited", async () => {
      const lock = { unit: "CTY", template: "stat-3", period: "2021-03" };
      expect((await call("POST", "/locks", { token: s.tokens.H1, body: lock })).statusCode).toBe(
        403
      );
      expect((await call("POST", "/locks", { token: s.tokens.CTY2, body: lock })).statusCode).toBe(
        403
      );
      expect((await call("POST", "/locks", { token: s.tokens.CTY, body: lock })).statusCode).toBe(
        200
      );
      const doc = { ...stat3("H1", "public.g2", 1), period: "2021-03" };
      const refused = await submitDoc(doc, s.tokens.H1);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error).toBe("locked");
      expect(
        (await call("DELETE", "/locks", { token: s.tokens.CITY, body: lock })).statusCode
      ).toBe(200);
      expect((await submitDoc(doc, s.tokens.H1)).statusCode).toBe(201);
      const audit = await s.store.db
        .selectFrom("audit")
        .select("action")
        .where("unit", "=", "CTY")
        .where("action", "like", "period.%")
        .execute();
      expect(audit.map((a) => a.action).sort()).toEqual(["period.locked", "period.unlocked"]);
    });
  });

  it("GET /submissions and /submissions/:id: the unit and collectors above it, nobody else", async () => {
    const made = await submitDoc(
      { ...stat3("H1", "public.g2", 9), period: "2021-02" },
      s.tokens.H1
    );
    const id = made.json().id as string;
    const list = (token?: string) =>
      call("GET", "/submissions?unit=H1&template=stat-3&period=2021-02", { token });
    const one = (token?: string) => call("GET", `/submissions/${id}`, { token });
    // The list names a unit the token asked for: 403. A version's id is answered as an unknown
    // one (404) to whoever may not read it.
    const expectCodes: [string | undefined, number, number][] = [
      [undefined, 401, 401],
      [s.tokens.H2, 403, 404], // another unit's reporter
      [s.tokens.CTY2, 403, 404], // sibling collector
      [s.tokens.CTY, 200, 200], // parent collector
      [s.tokens.CITY, 200, 200], // grandparent collector
      [s.tokens.ADMIN, 403, 404], // admin manages the registry, not reports
      [s.tokens.H1, 200, 200], // the unit itself
    ];
    for (const [token, listCode, oneCode] of expectCodes) {
      expect((await list(token)).statusCode).toBe(listCode);
      expect((await one(token)).statusCode).toBe(oneCode);
    }
    const body = (await list(s.tokens.CTY)).json();
    expect(body.submissions).toHaveLength(1);
    expect(body.submissions[0]).toMatchObject({ id, version: 1, unit: "H1" });
    const full = (await one(s.tokens.H1)).json();
    expect(full.document.rows[0].cells.c1).toBe(9);
    expect(
      (await call("GET", `/submissions/${randomUUID()}`, { token: s.tokens.H1 })).statusCode
    ).toBe(404);
  });

  it("stores tokens only as hashes", async () => {
    const rows = await s.store.db.selectFrom("tokens").select("token_hash").execute();
    const all = JSON.stringify(rows);
    for (const t of Object.values(s.tokens)) expect(all).not.toContain(t);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
  });
});
