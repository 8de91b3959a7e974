import { randomUUID } from "node:crypto";
import ExcelJS from "exceljs";
import type { SheetDocument } from "../../src/core/schema/document";
import { issueToken } from "../../src/server/tokens";
import { templates } from "../../src/templates";
import { createTestDb, startTestServer, type TestDb, type TestServer } from "../helpers/server";

/**
 * Review up the hierarchy (docs/review.md): report states, who may accept or return, visible locks,
 * what changed between versions, coverage of a consolidation, and the audit of every transition.
 */

const INPUTS = Array.from({ length: 13 }, (_, i) => `c${i + 1}`);

/** A stat-3 of a hospital for one period; `cells` overrides the zeros. */
const stat3 = (
  unit: string,
  tier: string,
  period: string,
  cells: Record<string, unknown> = {},
  header: Record<string, unknown> = {}
): SheetDocument => ({
  template: "stat-3",
  templateVersion: 1,
  period,
  unit,
  header: {
    reportingUnit: "示例县人民医院",
    filledOn: "2021-08-10",
    preparer: "李某",
    phone: "13800000000",
    ...header,
  },
  rows: [{ key: tier, cells: { ...Object.fromEntries(INPUTS.map((c) => [c, 0])), ...cells } }],
});

type Scalar = string | number | null;
const blank = (v: unknown): Scalar =>
  v === undefined || v === null || (typeof v === "string" && v.trim() === "")
    ? null
    : (v as Scalar);

/**
 * The changes a collector expects between two documents, worked out here from the template
 * definition: every header field and every cell of a non-computed row and column that differs.
 */
function expectedChanges(before: SheetDocument | null, after: SheetDocument) {
  const def = templates().get("stat-3")!.def;
  const computedRows = new Set(def.rows.filter((r) => r.computed).map((r) => r.key));
  const inputCols = def.columns.filter((c) => !c.computed).map((c) => c.key);
  const out: { row: string; col: string; before: Scalar; after: Scalar }[] = [];
  const fields = new Set([...Object.keys(before?.header ?? {}), ...Object.keys(after.header)]);
  for (const f of fields) {
    const b = blank(before?.header[f]);
    const a = blank(after.header[f]);
    if (b !== a) out.push({ row: "header", col: f, before: b, after: a });
  }
  const rows = new Set([...(before?.rows ?? []), ...after.rows].map((r) => r.key));
  for (const key of rows) {
    if (computedRows.has(key)) continue;
    const was = before?.rows.find((r) => r.key === key)?.cells ?? {};
    const now = after.rows.find((r) => r.key === key)?.cells ?? {};
    for (const col of inputCols) {
      const b = blank(was[col]);
      const a = blank(now[col]);
      if (b !== a) out.push({ row: key, col, before: b, after: a });
    }
  }
  return out;
}
const byCell = (a: { row: string; col: string }, b: { row: string; col: string }) =>
  `${a.row}|${a.col}`.localeCompare(`${b.row}|${b.col}`);

describe.each(["sqlite", "postgres"] as const)("review on %s", (kind) => {
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

  const call = (method: "GET" | "POST" | "DELETE", url: string, token?: string, body?: unknown) =>
    s.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(method === "POST" && url === "/submissions" ? { "idempotency-key": randomUUID() } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
  const submit = (doc: SheetDocument, token = s.tokens.H1) =>
    call("POST", "/submissions", token, doc);
  const review = (token: string, body: Record<string, unknown>) =>
    call("POST", "/reviews", token, { template: "stat-3", ...body });
  const statusOf = async (unit: string, period: string, token = s.tokens.CTY) => {
    const r = await call("GET", `/status?template=stat-3&period=${period}&unit=CTY`, token);
    expect(r.statusCode).toBe(200);
    return r.json().entries.find((e: { unit: string }) => e.unit === unit);
  };
  const versionsOf = async (unit: string, period: string) =>
    (
      await s.store.db
        .selectFrom("submissions")
        .select("version")
        .where("unit", "=", unit)
        .where("template", "=", "stat-3")
        .where("period", "=", period)
        .orderBy("version")
        .execute()
    ).map((r) => r.version);

  // Each group its own year's January: a cumulative table's January stands alone, so one group's
  // figures never make another's look like a decrease from the month before.
  describe("states and transitions", () => {
    const P = "2011-01";
    it("missing → submitted → returned → submitted (new version) → accepted → refused → returned → submitted", async () => {
      expect(await statusOf("H1", P)).toMatchObject({
        state: "missing",
        version: null,
        reason: null,
        reviewedAt: null,
      });

      expect((await submit(stat3("H1", "public.g2", P, { c1: 1 }))).statusCode).toBe(201);
      const submitted = await statusOf("H1", P);
      expect(submitted).toMatchObject({ state: "submitted", version: 1, reason: null });
      expect(submitted.reviewedAt).toBeNull();
      expect(typeof submitted.late).toBe("boolean");
      // The earlier fields stay, so nothing that reads them breaks.
      expect(submitted.status).toBe(submitted.late ? "late" : "submitted");

      const returned = await review(s.tokens.CTY, {
        unit: "H1",
        period: P,
        decision: "return",
        reason: "床位数与上月不符，请核实",
      });
      expect(returned.statusCode).toBe(200);
      expect(returned.json()).toMatchObject({
        unit: "H1",
        template: "stat-3",
        period: P,
        version: 1,
        state: "returned",
        reason: "床位数与上月不符，请核实",
        reviewer: "CTY",
      });
      expect(typeof returned.json().reviewedAt).toBe("string");
      expect(await statusOf("H1", P)).toMatchObject({
        state: "returned",
        version: 1,
        reason: "床位数与上月不符，请核实",
        reviewedAt: returned.json().reviewedAt,
      });

      // A new version moves returned → submitted; the reason belongs to the version returned.
      expect((await submit(stat3("H1", "public.g2", P, { c1: 2 }))).statusCode).toBe(201);
      expect(await statusOf("H1", P)).toMatchObject({
        state: "submitted",
        version: 2,
        reason: null,
        reviewedAt: null,
      });

      // A review of a version that is no longer the latest is stale and changes nothing.
      const stale = await review(s.tokens.CTY, {
        unit: "H1",
        period: P,
        decision: "accept",
        version: 1,
      });
      expect(stale.statusCode).toBe(409);
      expect(stale.json()).toEqual({ error: "stale", latest: 2 });
      expect((await statusOf("H1", P)).state).toBe("submitted");

      const accepted = await review(s.tokens.CTY, {
        unit: "H1",
        period: P,
        decision: "accept",
        version: 2,
      });
      expect(accepted.statusCode).toBe(200);
      expect(accepted.json()).toMatchObject({ version: 2, state: "accepted", reason: null });
      expect(await statusOf("H1", P)).toMatchObject({ state: "accepted", version: 2 });

      // While accepted the reporter cannot send a new version, and nothing is stored.
      const refused = await submit(stat3("H1", "public.g2", P, { c1: 3 }));
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error).toBe("accepted");
      expect(await versionsOf("H1", P)).toEqual([1, 2]);

      // The collector above returns the accepted version; then the reporter may send again.
      const reopened = await review(s.tokens.CITY, {
        unit: "H1",
        period: P,
        decision: "return",
        reason: "请补报第 5 列",
      });
      expect(reopened.statusCode).toBe(200);
      expect(reopened.json()).toMatchObject({ version: 2, state: "returned", reviewer: "CITY" });
      const resent = await submit(stat3("H1", "public.g2", P, { c1: 3 }));
      expect(resent.statusCode).toBe(201);
      expect(resent.json().version).toBe(3);
      expect(await statusOf("H1", P)).toMatchObject({ state: "submitted", version: 3 });
      expect(await versionsOf("H1", P)).toEqual([1, 2, 3]);
    });

    it("a return needs a reason of 1–200 characters; a bad one changes nothing", async () => {
      const period = "2012-01";
      expect((await submit(stat3("H1", "public.g2", period))).statusCode).toBe(201);
      const bodies = [
        { decision: "return" },
        { decision: "return", reason: "" },
        { decision: "return", reason: "   " },
        { decision: "return", reason: "退".repeat(201) },
        { decision: "maybe" },
        { decision: "accept", version: 0 },
      ];
      for (const b of bodies) {
        const r = await review(s.tokens.CTY, { unit: "H1", period, ...b });
        expect([r.statusCode, r.json().error]).toEqual([400, "bad-request"]);
      }
      expect((await statusOf("H1", period)).state).toBe("submitted");
      const longest = await review(s.tokens.CTY, {
        unit: "H1",
        period,
        decision: "return",
        reason: "退".repeat(200),
      });
      expect(longest.statusCode).toBe(200);
      expect(longest.json().reason).toBe("退".repeat(200));
    });

    it("reviewing a report nobody has sent is a 409 not-submitted", async () => {
      const r = await review(s.tokens.CTY, { unit: "H2", period: "2013-01", decision: "accept" });
      expect(r.statusCode).toBe(409);
      expect(r.json()).toEqual({ error: "not-submitted" });
    });
  });

  it("an accept racing a new version: never a version stored after the one accepted", async () => {
    // Six months of one year after every other group's periods, rising by small steps: no
    // cumulative decrease, no outlier against the unit's history, nothing in the earlier groups'.
    for (let m = 1; m <= 6; m++) {
      const period = `2022-0${m}`;
      expect((await submit(stat3("H1", "public.g2", period, { c1: 2 * m }))).statusCode).toBe(201);
      const [sent, reviewed] = await Promise.all([
        submit(stat3("H1", "public.g2", period, { c1: 2 * m + 1 })),
        review(s.tokens.CTY, { unit: "H1", period, decision: "accept" }),
      ]);
      expect(reviewed.statusCode).toBe(200);
      const acceptedVersion = reviewed.json().version as number;
      if (sent.statusCode === 201) {
        // The new version came first; the accept judged it.
        expect(acceptedVersion).toBe(sent.json().version);
      } else {
        expect([sent.statusCode, sent.json().error]).toEqual([409, "accepted"]);
        expect(acceptedVersion).toBe(1);
      }
      expect(await versionsOf("H1", period)).toEqual(
        Array.from({ length: acceptedVersion }, (_, i) => i + 1)
      );
      expect((await statusOf("H1", period)).state).toBe("accepted");
    }
  });

  it("the reporter reads its own report's state and the reason of a return, and nothing of others", async () => {
    const period = "2019-01";
    expect((await submit(stat3("H1", "public.g2", period))).statusCode).toBe(201);
    const reason = "第 3 列与台账不符";
    expect(
      (await review(s.tokens.CTY, { unit: "H1", period, decision: "return", reason })).statusCode
    ).toBe(200);
    const own = await call("GET", `/status?template=stat-3&period=${period}&unit=H1`, s.tokens.H1);
    expect(own.statusCode).toBe(200);
    expect(own.json().entries).toEqual([
      expect.objectContaining({ unit: "H1", state: "returned", version: 1, reason }),
    ]);
    expect(own.json().lock).toEqual({ locked: false, by: null, byName: null, at: null });
    // Another hospital, the county's board and an unknown unit stay closed to a reporter.
    for (const unit of ["H2", "CTY", "NOPE"]) {
      const r = await call(
        "GET",
        `/status?template=stat-3&period=${period}&unit=${unit}`,
        s.tokens.H1
      );
      expect([unit, r.statusCode]).toEqual([unit, 403]);
    }
  });

  describe("who may review: a collector of a unit above, nobody else", () => {
    const P = "2014-01";
    beforeAll(async () => {
      expect((await submit(stat3("H1", "public.g2", P))).statusCode).toBe(201);
    });
    it.each([
      ["the county above (CTY)", "CTY", 200],
      ["the city two levels above (CITY)", "CITY", 200],
      ["the hospital's own reporter", "H1", 403],
      ["another county's collector (CTY2)", "CTY2", 403],
      ["another county's reporter (H3)", "H3", 403],
      ["an admin", "ADMIN", 403],
    ] as const)("%s", async (_who, token, code) => {
      const r = await review(s.tokens[token], {
        unit: "H1",
        period: P,
        decision: "return",
        reason: "核对",
      });
      expect(r.statusCode).toBe(code);
      if (code === 403) expect(r.json()).toEqual({ error: "forbidden" });
    });

    it("a collector of the report's own unit never reviews it", async () => {
      const own = (await issueToken(s.store.db, "H1", "collector")).token;
      const r = await review(own, { unit: "H1", period: P, decision: "accept" });
      expect(r.statusCode).toBe(403);
      expect(r.json()).toEqual({ error: "forbidden" });
    });

    it("an unknown unit is refused like a forbidden one (codes are not enumerable)", async () => {
      for (const token of [s.tokens.CTY, s.tokens.H1, s.tokens.ADMIN]) {
        const unknown = await review(token, { unit: "NOPE", period: P, decision: "accept" });
        const other = await review(token, { unit: "H3", period: P, decision: "accept" });
        expect([unknown.statusCode, other.statusCode]).toEqual([403, 403]);
        expect(unknown.json()).toEqual(other.json());
      }
    });
  });

  describe("a decision stands above the units below the one who made it", () => {
    const reviewRows = async (P: string) =>
      (await s.store.db.selectFrom("audit").selectAll().orderBy("at").execute()).filter(
        (r) =>
          r.action.startsWith("review.") &&
          (JSON.parse(r.detail) as { period?: string }).period === P
      );

    it("the same decision again by the same unit changes nothing: the first answer, no second audit row", async () => {
      const P = "2009-01";
      expect((await submit(stat3("H1", "public.g2", P))).statusCode).toBe(201);
      const first = await review(s.tokens.CTY, { unit: "H1", period: P, decision: "accept" });
      expect(first.statusCode).toBe(200);
      const again = await review(s.tokens.CTY, { unit: "H1", period: P, decision: "accept" });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual(first.json());
      expect((await reviewRows(P)).map((r) => r.action)).toEqual(["review.accepted"]);
      // A return with another reason is a change of its own.
      const ret = { unit: "H1", period: P, decision: "return" };
      expect((await review(s.tokens.CTY, { ...ret, reason: "请核实" })).statusCode).toBe(200);
      expect((await review(s.tokens.CTY, { ...ret, reason: "请核实" })).statusCode).toBe(200);
      expect((await review(s.tokens.CTY, { ...ret, reason: "第5列有误" })).statusCode).toBe(200);
      expect((await reviewRows(P)).map((r) => r.action)).toEqual([
        "review.accepted",
        "review.returned",
        "review.returned",
      ]);
    });

    it("a county cannot undo what its city decided on the same version; a new version is the county's again", async () => {
      const P = "2008-01";
      expect((await submit(stat3("H1", "public.g2", P))).statusCode).toBe(201);
      const byCity = await review(s.tokens.CITY, {
        unit: "H1",
        period: P,
        decision: "return",
        reason: "市里抽查有误",
      });
      expect(byCity.statusCode).toBe(200);
      const byCounty = await review(s.tokens.CTY, { unit: "H1", period: P, decision: "accept" });
      expect(byCounty.statusCode).toBe(409);
      expect(byCounty.json()).toEqual({ error: "reviewed-above", by: "CITY", version: 1 });
      expect((await statusOf("H1", P)).state).toBe("returned");
      expect((await reviewRows(P)).map((r) => r.action)).toEqual(["review.returned"]);
      // The city may change its own mind.
      expect(
        (await review(s.tokens.CITY, { unit: "H1", period: P, decision: "accept" })).statusCode
      ).toBe(200);
      expect((await statusOf("H1", P)).state).toBe("accepted");
      // Returned again by the city, a new version comes: the county reviews it.
      expect(
        (
          await review(s.tokens.CITY, {
            unit: "H1",
            period: P,
            decision: "return",
            reason: "再核",
          })
        ).statusCode
      ).toBe(200);
      expect((await submit(stat3("H1", "public.g2", P, { c1: 1 }))).statusCode).toBe(201);
      expect(
        (await review(s.tokens.CTY, { unit: "H1", period: P, decision: "accept" })).statusCode
      ).toBe(200);
    });
  });

  describe("GET /submissions/:id/diff", () => {
    const P = "2015-01";
    const withSubtotal = (doc: SheetDocument, c1: number): SheetDocument => ({
      ...doc,
      rows: [...doc.rows, { key: "public", cells: { c1 } }],
    });
    const v1 = withSubtotal(stat3("H1", "public.g2", P, { c1: 4, c2: 1, c14: "" }), 4);
    // c1, c3 and c5 change, c2 stays, 备注 goes from blank to a text; a header field
    // changes and one appears; the computed 公立医院小计 row changes with c1, but is no change.
    const v2 = withSubtotal(
      stat3(
        "H1",
        "public.g2",
        P,
        { c1: 6, c2: 1, c3: 40, c5: 2, c14: "补报" },
        { phone: "13900000000", head: "张某" }
      ),
      6
    );
    const v3 = stat3("H1", "public.g2", P, { c1: 6, c2: 1, c3: 41, c5: 2 });
    const ids: string[] = [];
    beforeAll(async () => {
      for (const d of [v1, v2, v3]) {
        const r = await submit(d);
        expect([r.statusCode, r.json().issues]).toEqual([201, undefined]);
        ids.push(r.json().id);
      }
    });
    const diff = (id: string, token = s.tokens.CTY, against?: string) =>
      call("GET", `/submissions/${id}/diff${against ? `?against=${against}` : ""}`, token);

    it("against the previous version by default: input cells and header fields only", async () => {
      const r = await diff(ids[1]!);
      expect(r.statusCode).toBe(200);
      const body = r.json();
      expect(body.from).toEqual({ id: ids[0], version: 1 });
      expect(body.to).toEqual({ id: ids[1], version: 2 });
      const expected = expectedChanges(v1, v2);
      // c1, c3, c5, c14 and two header fields; the subtotal row is not among them.
      expect(expected.length).toBe(6);
      expect(body.changes.some((c: { row: string }) => c.row === "public")).toBe(false);
      expect([...body.changes].sort(byCell)).toEqual([...expected].sort(byCell));
      expect(body.changes.filter((c: { row: string }) => c.row === "header").length).toBe(
        expected.filter((c) => c.row === "header").length
      );
    });

    it("against a version named, and the reporter sees the same as the collector", async () => {
      const r = await diff(ids[2]!, s.tokens.H1, ids[0]);
      expect(r.statusCode).toBe(200);
      expect(r.json().from).toEqual({ id: ids[0], version: 1 });
      expect([...r.json().changes].sort(byCell)).toEqual(expectedChanges(v1, v3).sort(byCell));
    });

    it("a first version is a change from nothing: from null, every non-blank input listed", async () => {
      const r = await diff(ids[0]!);
      expect(r.statusCode).toBe(200);
      expect(r.json().from).toBeNull();
      expect([...r.json().changes].sort(byCell)).toEqual(expectedChanges(null, v1).sort(byCell));
      expect(r.json().changes.every((c: { before: unknown }) => c.before === null)).toBe(true);
    });

    it("the same access as GET /submissions/:id; an unknown id or foreign `against` is 404", async () => {
      expect((await diff(ids[1]!, s.tokens.CTY2)).statusCode).toBe(404);
      expect((await diff(ids[1]!, s.tokens.H3)).statusCode).toBe(404);
      expect((await diff(ids[1]!, s.tokens.ADMIN)).statusCode).toBe(404);
      expect((await diff(randomUUID())).statusCode).toBe(404);
      const h2 = await submit(stat3("H2", "private.g1", P), s.tokens.H2);
      expect(h2.statusCode).toBe(201);
      const foreign = await diff(ids[1]!, s.tokens.CTY, h2.json().id);
      expect(foreign.statusCode).toBe(404);
      expect(foreign.json().error).toBe("not-found");
    });
  });

  describe("coverage of a consolidation", () => {
    const P = "2016-01";
    beforeAll(async () => {
      expect((await submit(stat3("H1", "public.g2", P, { c1: 5 }))).statusCode).toBe(201);
      expect((await submit(stat3("H2", "private.g1", P, { c1: 7 }), s.tokens.H2)).statusCode).toBe(
        201
      );
      expect((await submit(stat3("H3", "public.g3", P, { c1: 11 }), s.tokens.H3)).statusCode).toBe(
        201
      );
      const ok = await review(s.tokens.CTY, { unit: "H1", period: P, decision: "accept" });
      expect(ok.statusCode).toBe(200);
    });
    const consolidated = (unit: string, only = "") =>
      call("GET", `/consolidated?template=stat-3&period=${P}&unit=${unit}${only}`, s.tokens.CITY);

    it("counts expected, submitted and accepted units; the same whichever versions are summed", async () => {
      const status = (
        await call("GET", `/status?template=stat-3&period=${P}&unit=CITY`, s.tokens.CITY)
      ).json().entries as { state: string }[];
      const fromStatus = {
        expected: status.length,
        submitted: status.filter((e) => e.state !== "missing").length,
        accepted: status.filter((e) => e.state === "accepted").length,
      };
      expect(fromStatus).toEqual({ expected: 3, submitted: 3, accepted: 1 });
      const all = await consolidated("CITY");
      expect(all.statusCode).toBe(200);
      expect(all.json().coverage).toEqual(fromStatus);
      const only = await consolidated("CITY", "&only=accepted");
      expect(only.json().coverage).toEqual(fromStatus);
      expect((await consolidated("CTY")).json().coverage).toEqual({
        expected: 2,
        submitted: 2,
        accepted: 1,
      });
    });

    it("?only=accepted sums accepted versions only; the default sums every latest version", async () => {
      const c1Of = (doc: SheetDocument) => doc.rows.find((r) => r.key === "all")?.cells.c1;
      const all = (await consolidated("CTY")).json();
      expect(all.sources.map((x: { unit: string }) => x.unit).sort()).toEqual(["H1", "H2"]);
      expect(c1Of(all.document)).toBe(5 + 7);
      const only = (await consolidated("CTY", "&only=accepted")).json();
      expect(only.sources.map((x: { unit: string }) => x.unit)).toEqual(["H1"]);
      expect(c1Of(only.document)).toBe(5);
      expect((await consolidated("CTY", "&only=everything")).statusCode).toBe(400);
    });

    it("the .xlsx says the coverage under the title and its period line", async () => {
      const r = await consolidated("CITY", "&format=xlsx");
      expect(r.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
      // The first cell of each row, top down (a merged cell repeats its text across the merge).
      const firsts: unknown[] = [];
      wb.worksheets[0]!.eachRow((row) => firsts.push(row.getCell(1).value));
      const titleAt = firsts.findIndex((t) => typeof t === "string" && t.includes("统计表"));
      expect(titleAt).toBeGreaterThanOrEqual(0);
      expect(firsts[titleAt + 1]).toBe("统计时段：2016年1月");
      expect(firsts[titleAt + 2]).toBe("已汇总 3 家中的 3 家（已审核 1 家）");
    });
  });

  describe("locks people can see", () => {
    const P = "2021-05";
    const lockCall = (method: "POST" | "DELETE", token: string, unit: string) =>
      call(method, "/locks", token, { unit, template: "stat-3", period: P });
    const getLock = (token: string, unit: string) =>
      call("GET", `/locks?template=stat-3&period=${P}&unit=${unit}`, token);

    it("GET /locks from a unit at, below and above the lock", async () => {
      expect((await getLock(s.tokens.H1, "H1")).json()).toEqual({
        locked: false,
        by: null,
        byName: null,
        at: null,
      });
      expect((await lockCall("POST", s.tokens.CTY, "CTY")).statusCode).toBe(200);
      const at = await getLock(s.tokens.CTY, "CTY");
      expect(at.statusCode).toBe(200);
      expect(at.json()).toMatchObject({ locked: true, by: "CTY", byName: "示例县卫生健康局" });
      expect(typeof at.json().at).toBe("string");
      // The hospital below sees the county's lock on its own report, and may ask about the county.
      expect((await getLock(s.tokens.H1, "H1")).json()).toEqual(at.json());
      expect((await getLock(s.tokens.H1, "CTY")).json()).toEqual(at.json());
      // A lock below does not lock the unit above.
      const above = await getLock(s.tokens.CITY, "CITY");
      expect(above.statusCode).toBe(200);
      expect(above.json().locked).toBe(false);
      // The status board carries the lock of its unit.
      const status = await call(
        "GET",
        `/status?template=stat-3&period=${P}&unit=CTY`,
        s.tokens.CTY
      );
      expect(status.json().lock).toEqual(at.json());
    });

    it("only units at, above or below may ask; an unknown unit is the same 403", async () => {
      for (const token of [s.tokens.H3, s.tokens.CTY2, s.tokens.ADMIN]) {
        const other = await getLock(token, "H1");
        const unknown = await getLock(token, "NOPE");
        expect([other.statusCode, unknown.statusCode]).toEqual([403, 403]);
        expect(unknown.json()).toEqual(other.json());
      }
      expect(
        (await call("GET", `/locks?template=stat-3&period=${P}`, s.tokens.H1)).statusCode
      ).toBe(400);
    });

    it("a county cannot DELETE its city's lock (403); the city can", async () => {
      const period = "2021-04";
      const body = { unit: "CTY", template: "stat-3", period };
      expect((await call("POST", "/locks", s.tokens.CITY, body)).statusCode).toBe(200);
      const refused = await call("DELETE", "/locks", s.tokens.CTY, body);
      expect(refused.statusCode).toBe(403);
      const still = await call(
        "GET",
        `/locks?template=stat-3&period=${period}&unit=H1`,
        s.tokens.H1
      );
      expect(still.json()).toMatchObject({ locked: true, by: "CTY" });
      expect((await call("DELETE", "/locks", s.tokens.CITY, body)).statusCode).toBe(200);
      const lifted = await call(
        "GET",
        `/locks?template=stat-3&period=${period}&unit=H1`,
        s.tokens.H1
      );
      expect(lifted.json().locked).toBe(false);
    });
  });

  describe("a return in a locked period", () => {
    const actions = async (period: string) =>
      (await s.store.db.selectFrom("audit").selectAll().orderBy("at").execute())
        .map((r) => ({ action: r.action, detail: JSON.parse(r.detail) as Record<string, unknown> }))
        .filter((r) => r.detail.period === period && r.detail.template === "stat-3")
        .map((r) => r.action);

    it("is 409 locked and changes nothing; unlocking first lets it through, two audited transitions", async () => {
      const P = "2016-03";
      expect((await submit(stat3("H1", "public.g2", P))).statusCode).toBe(201);
      const lock = { unit: "CTY", template: "stat-3", period: P };
      expect((await call("POST", "/locks", s.tokens.CTY, lock)).statusCode).toBe(200);
      const refused = await review(s.tokens.CTY, {
        unit: "H1",
        period: P,
        decision: "return",
        reason: "请核实",
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({
        error: "locked",
        by: "CTY",
        byName: "示例县卫生健康局",
        holder: "CTY",
        holderName: "示例县卫生健康局",
        mayUnlock: true,
        unlock: ["CTY"],
      });
      expect(await statusOf("H1", P)).toMatchObject({ state: "submitted", reason: null });
      expect(await actions(P)).toEqual(["submission.accepted", "period.locked"]);
      expect((await call("DELETE", "/locks", s.tokens.CTY, lock)).statusCode).toBe(200);
      const returned = await review(s.tokens.CTY, {
        unit: "H1",
        period: P,
        decision: "return",
        reason: "请核实",
      });
      expect(returned.statusCode).toBe(200);
      expect(await statusOf("H1", P)).toMatchObject({ state: "returned", reason: "请核实" });
      expect(await actions(P)).toEqual([
        "submission.accepted",
        "period.locked",
        "period.unlocked",
        "review.returned",
      ]);
    });

    it("a lock the caller may not lift (its city set it) is named, with nothing to offer", async () => {
      const P = "2016-04";
      expect((await submit(stat3("H1", "public.g2", P))).statusCode).toBe(201);
      const lock = { unit: "CTY", template: "stat-3", period: P };
      expect((await call("POST", "/locks", s.tokens.CITY, lock)).statusCode).toBe(200);
      const refused = await review(s.tokens.CTY, {
        unit: "H1",
        period: P,
        decision: "return",
        reason: "请核实",
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({
        error: "locked",
        holder: "CITY",
        holderName: "示例市卫生健康委",
        mayUnlock: false,
        unlock: [],
      });
      expect(await statusOf("H1", P)).toMatchObject({ state: "submitted" });
      // The city may lift it, and then return.
      const byCity = await review(s.tokens.CITY, {
        unit: "H1",
        period: P,
        decision: "return",
        reason: "请核实",
      });
      expect(byCity.json()).toMatchObject({ error: "locked", mayUnlock: true, unlock: ["CTY"] });
      // An accept asks nothing of the reporter, so the lock does not stand in its way.
      const accepted = await review(s.tokens.CTY, { unit: "H1", period: P, decision: "accept" });
      expect(accepted.statusCode).toBe(200);
    });
  });

  describe("audit", () => {
    it("one row for every transition: who (token and unit), when, from where, what", async () => {
      const P = "2018-01";
      const auditRows = async () =>
        (await s.store.db.selectFrom("audit").selectAll().orderBy("at").execute())
          .map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }))
          .filter((r) => r.detail.period === P);
      const tokenId = async (token: string) =>
        (
          await s.store.db
            .selectFrom("tokens")
            .select("id")
            .where(
              "token_hash",
              "=",
              (await import("node:crypto")).createHash("sha256").update(token).digest("hex")
            )
            .executeTakeFirst()
        )?.id;

      expect((await submit(stat3("H1", "public.g2", P))).statusCode).toBe(201);
      expect(
        (
          await review(s.tokens.CTY, {
            unit: "H1",
            period: P,
            decision: "return",
            reason: "请核实",
          })
        ).statusCode
      ).toBe(200);
      expect((await submit(stat3("H1", "public.g2", P, { c1: 1 }))).statusCode).toBe(201);
      expect(
        (await review(s.tokens.CTY, { unit: "H1", period: P, decision: "accept" })).statusCode
      ).toBe(200);
      const lock = { unit: "CTY", template: "stat-3", period: P };
      expect((await call("POST", "/locks", s.tokens.CTY, lock)).statusCode).toBe(200);
      expect((await call("DELETE", "/locks", s.tokens.CTY, lock)).statusCode).toBe(200);
      // Refusals are not transitions.
      expect((await submit(stat3("H1", "public.g2", P, { c1: 2 }))).statusCode).toBe(409);
      expect(
        (await review(s.tokens.CTY2, { unit: "H1", period: P, decision: "accept" })).statusCode
      ).toBe(403);

      const rows = await auditRows();
      expect(rows.map((r) => r.action)).toEqual([
        "submission.accepted",
        "review.returned",
        "submission.accepted",
        "review.accepted",
        "period.locked",
        "period.unlocked",
      ]);
      const h1 = await tokenId(s.tokens.H1);
      const cty = await tokenId(s.tokens.CTY);
      expect(rows.map((r) => r.token_id)).toEqual([h1, cty, h1, cty, cty, cty]);
      expect(rows.map((r) => r.detail.by)).toEqual(["H1", "CTY", "H1", "CTY", "CTY", "CTY"]);
      expect(rows.map((r) => r.unit)).toEqual(["H1", "H1", "H1", "H1", "CTY", "CTY"]);
      for (const r of rows) {
        expect(typeof r.at).toBe("string");
        expect(r.remote_addr).toBeTruthy();
        expect(r.detail.template).toBe("stat-3");
      }
      expect(rows[1]!.detail).toMatchObject({ version: 1, reason: "请核实" });
      expect(rows[3]!.detail).toMatchObject({ version: 2 });
    });

    it("a lock request that changes nothing is no transition and writes no audit row", async () => {
      const P = "2017-01";
      const lockRows = async () =>
        (await s.store.db.selectFrom("audit").selectAll().orderBy("at").execute())
          .map((r) => ({ action: r.action, unit: r.unit, detail: JSON.parse(r.detail) }))
          .filter((r) => r.detail.period === P);
      const lock = { unit: "CTY", template: "stat-3", period: P };
      // Lifting what nobody locked, locking twice, and a county "locking" what its city holds.
      expect((await call("DELETE", "/locks", s.tokens.CTY, lock)).statusCode).toBe(200);
      expect((await call("POST", "/locks", s.tokens.CITY, lock)).statusCode).toBe(200);
      expect((await call("POST", "/locks", s.tokens.CITY, lock)).statusCode).toBe(200);
      const county = await call("POST", "/locks", s.tokens.CTY, lock);
      expect(county.statusCode).toBe(200);
      expect(county.json().locked).toBe(true);
      expect(
        (await call("GET", `/locks?template=stat-3&period=${P}&unit=CTY`, s.tokens.CTY)).json()
      ).toMatchObject({ locked: true, by: "CTY" });
      expect((await lockRows()).map((r) => `${r.action} ${r.unit} by ${r.detail.by}`)).toEqual([
        "period.locked CTY by CITY",
      ]);
    });
  });
});
