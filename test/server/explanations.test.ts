import { randomUUID } from "node:crypto";
import { storeVersion } from "../helpers/stored";
import type { Explanation, SheetDocument } from "../../src/core/schema/document";
import { templates } from "../../src/templates";
import { readXlsx } from "../../src/xlsx/read";
import { createTestDb, startTestServer, type TestDb, type TestServer } from "../helpers/server";

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

const ROW = "public.g2";

const stat3 = (
  period: string,
  cells: Record<string, number>,
  explanations?: Explanation[]
): SheetDocument => ({
  template: "stat-3",
  templateVersion: 1,
  period,
  unit: "H1",
  header: {
    reportingUnit: "示例县人民医院",
    filledOn: "2021-08-10",
    preparer: "李某",
    phone: "13800000000",
  },
  rows: [
    {
      key: ROW,
      cells: {
        ...Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`c${i + 1}`, 0])),
        ...cells,
      },
    },
  ],
  ...(explanations ? { explanations } : {}),
});

const decrease = (col: string, text: string): Explanation => ({
  rule: "period.cumulative-decrease",
  row: ROW,
  col,
  text,
});

describe.each(["sqlite", "postgres"] as const)("explanations and outliers on %s", (kind) => {
  let db: TestDb;
  let s: TestServer;
  beforeAll(async () => {
    db = await createTestDb(kind);
    s = await startTestServer(db.url);
  });
  afterAll(async () => {
    await s.close();
    await db.drop();
  });

  const call = (method: "GET" | "POST", url: string, token: string, body?: unknown) =>
    s.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined
          ? {}
          : { "content-type": "application/json", "idempotency-key": randomUUID() }),
      },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });

  const seed = (doc: SheetDocument, version = 1) => storeVersion(s.store.db, doc, version);

  it("a cumulative decrease without a 说明 is refused with explanation.required on its cell; with one it is stored, returned and audited", async () => {
    expect(
      (await call("POST", "/submissions", s.tokens.H1, stat3("2021-06", { c1: 10 }))).statusCode
    ).toBe(201);

    const bare = await call("POST", "/submissions", s.tokens.H1, stat3("2021-07", { c1: 7 }));
    expect(bare.statusCode).toBe(422);
    const issues = bare.json().issues as {
      rule: string;
      severity: string;
      row: string;
      col: string;
    }[];
    expect(issues.map((i) => [i.rule, i.severity, i.row, i.col])).toEqual([
      ["period.cumulative-decrease", "warning", ROW, "c1"],
      ["explanation.required", "error", ROW, "c1"],
    ]);

    const text = "6月多报了3次警示教育，本月更正";
    const explained = stat3("2021-07", { c1: 7 }, [
      decrease("c1", text),
      // No warning on c2: this one is dropped, not stored.
      decrease("c2", "多余的说明"),
    ]);
    const ok = await call("POST", "/submissions", s.tokens.H1, explained);
    expect(ok.statusCode).toBe(201);
    expect(ok.json().warnings.map((w: { rule: string }) => w.rule)).toEqual([
      "period.cumulative-decrease",
    ]);
    const id = ok.json().id as string;
    const got = await call("GET", `/submissions/${id}`, s.tokens.CTY);
    expect(got.statusCode).toBe(200);
    expect(got.json().document.explanations).toEqual([decrease("c1", text)]);

    const audits = await s.store.db
      .selectFrom("audit")
      .select(["action", "unit", "detail"])
      .where("action", "=", "submission.explanation")
      .execute();
    expect(audits).toHaveLength(1);
    expect(audits[0]!.unit).toBe("H1");
    expect(JSON.parse(audits[0]!.detail)).toEqual({
      id,
      template: "stat-3",
      period: "2021-07",
      version: 1,
      rule: "period.cumulative-decrease",
      row: ROW,
      col: "c1",
      text,
    });

    // The board counts the explanations of each unit's latest version.
    const status = await call(
      "GET",
      "/status?template=stat-3&period=2021-07&unit=CTY",
      s.tokens.CTY
    );
    expect(status.statusCode).toBe(200);
    const explainedOf = Object.fromEntries(
      status.json().entries.map((e: { unit: string; explained: number }) => [e.unit, e.explained])
    );
    expect(explainedOf).toEqual({ H1: 1, H2: 0 });
  });

  it("an explanation over 500 characters is a 400 naming its field, and nothing is stored", async () => {
    const before = await s.store.db.selectFrom("submissions").select("id").execute();
    const r = await call(
      "POST",
      "/submissions",
      s.tokens.H1,
      stat3("2021-08", { c1: 7 }, [decrease("c1", "长".repeat(501))])
    );
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ error: "bad-request", path: "explanations.0.text" });
    expect(await s.store.db.selectFrom("submissions").select("id").execute()).toHaveLength(
      before.length
    );
  });

  it("an outlier against a stored 12-month history is a warning with the usual range, and needs a 说明 at submission", async () => {
    // H2 is a private grade-1 hospital: its row is private.g1. 2019: c5 grows by 1..3 a month.
    const monthly = [1, 2, 1, 3, 2, 1, 2, 3, 1, 3, 2, 1];
    let total = 0;
    for (const [m, inc] of monthly.entries()) {
      total += inc;
      const period = `2019-${String(m + 1).padStart(2, "0")}`;
      const doc = { ...stat3(period, { c5: total }), unit: "H2" };
      doc.rows = [{ key: "private.g1", cells: doc.rows[0]!.cells }];
      // An older version of the same month must not count: only the latest of each period does.
      await seed({ ...doc, rows: [{ key: "private.g1", cells: { c5: 1000 } }] }, 1);
      await seed(doc, 2);
    }
    const current = { ...stat3("2020-01", { c5: 30 }), unit: "H2" };
    current.rows = [{ key: "private.g1", cells: current.rows[0]!.cells }];
    const v = await call("POST", "/validate?phase=fill", s.tokens.H2, current);
    expect(v.statusCode).toBe(200);
    const outliers = (
      v.json().issues as { rule: string; row: string; col: string; message: string }[]
    ).filter((i) => i.rule === "history.outlier");
    // sorted increments 1,1,1,1,1,2,2,2,2,3,3,3: Q1 = 1, Q3 = 2 + 0.25 × (3 − 2) = 2.25
    expect(outliers.map((i) => [i.row, i.col, i.message])).toEqual([
      [
        "private.g1",
        "c5",
        "本月新增 30，明显高于本单位以往（过去 12 个月的月增量通常在 1–2.25 之间）",
      ],
    ]);
    const sent = await call("POST", "/submissions", s.tokens.H2, current);
    expect(sent.statusCode).toBe(422);
    expect(
      sent.json().issues.filter((i: { rule: string }) => i.rule === "explanation.required")
    ).toMatchObject([{ row: "private.g1", col: "c5", severity: "error" }]);
  });

  it("a stored version's .xlsx carries its 说明 as notes on their cells, and reads back to the same document", async () => {
    expect(
      (await call("POST", "/submissions", s.tokens.H1, stat3("2021-10", { c1: 10, c2: 4 })))
        .statusCode
    ).toBe(201);
    const text = "9月多报了2次，本月更正";
    const doc = stat3("2021-11", { c1: 8, c2: 4 }, [decrease("c1", text)]);
    const sent = await call("POST", "/submissions", s.tokens.H1, doc);
    expect(sent.statusCode).toBe(201);
    const id = sent.json().id as string;

    for (const [how, headers] of [
      ["?format=xlsx", {}],
      ["", { accept: XLSX_TYPE }],
    ] as const) {
      const r = await s.app.inject({
        method: "GET",
        url: `/api/v1/submissions/${id}${how}`,
        headers: { authorization: `Bearer ${s.tokens.CTY}`, ...headers },
      });
      expect(r.statusCode).toBe(200);
      expect(r.headers["content-type"]).toBe(XLSX_TYPE);
      expect(decodeURIComponent(String(r.headers["content-disposition"]))).toContain("第1版.xlsx");
      const read = await readXlsx(r.rawPayload, {
        templates: templates(),
        unit: { code: "H1", name: "示例县人民医院" },
        period: "2021-11",
        template: "stat-3",
      });
      if (!read.ok) throw new Error(read.message);
      expect(read.doc.explanations).toEqual([decrease("c1", text)]);
      expect(read.doc.rows.find((x) => x.key === ROW)?.cells).toMatchObject({ c1: 8, c2: 4 });
    }

    // The file is the figures of H1: its sibling, an admin and nobody get none of it (the id is
    // unknown to whoever may not read it).
    for (const token of [s.tokens.H2, s.tokens.ADMIN, "nope"]) {
      const r = await s.app.inject({
        method: "GET",
        url: `/api/v1/submissions/${id}?format=xlsx`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect([401, 404]).toContain(r.statusCode);
      expect(r.headers["content-type"]).toMatch(/json/);
    }
    const odd = await call("GET", `/submissions/${id}?format=pdf`, s.tokens.CTY);
    expect(odd.statusCode).toBe(400);

    // An Accept that lists the type with q=0 refuses it (RFC 9110): JSON, for both routes.
    const refusing = `${XLSX_TYPE};q=0, application/json`;
    for (const url of [
      `/api/v1/submissions/${id}`,
      "/api/v1/consolidated?template=stat-3&period=2021-11&unit=CTY",
    ]) {
      const r = await s.app.inject({
        method: "GET",
        url,
        headers: { authorization: `Bearer ${s.tokens.CTY}`, accept: refusing },
      });
      expect(r.statusCode).toBe(200);
      expect(r.headers["content-type"]).toMatch(/json/);
    }

    // The query says what is wanted over the Accept header: a format it does not know is a 400
    // whatever Accept says, and format=json is the JSON, on both routes.
    for (const url of [
      `/api/v1/submissions/${id}`,
      "/api/v1/consolidated?template=stat-3&period=2021-11&unit=CTY",
    ]) {
      const join = url.includes("?") ? "&" : "?";
      const ask = (format: string) =>
        s.app.inject({
          method: "GET",
          url: `${url}${join}format=${format}`,
          headers: { authorization: `Bearer ${s.tokens.CTY}`, accept: XLSX_TYPE },
        });
      const bogus = await ask("pdf");
      expect([url, bogus.statusCode, bogus.headers["content-type"]]).toEqual([
        url,
        400,
        expect.stringMatching(/json/),
      ]);
      expect(bogus.json().error).toBe("bad-request");
      const json = await ask("json");
      expect([url, json.statusCode, json.headers["content-type"]]).toEqual([
        url,
        200,
        expect.stringMatching(/json/),
      ]);
    }
  });
});
