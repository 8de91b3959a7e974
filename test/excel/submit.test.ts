import { ApiClient } from "../../src/client/api";
import { newIdempotencyKey } from "../../src/client/queue";
import { withComputedCells } from "../../src/core/computed";
import type { SheetDocument } from "../../src/core/schema/document";
import { WorkbookSession } from "../../src/excel/session";
import { templates } from "../../src/templates";
import { injectFetch } from "../client/inject-fetch";
import { hospitalDoc } from "../helpers/documents";
import type { TestServer } from "../helpers/server";
import { useTestServer } from "../helpers/server-hooks";
import { normalized } from "./sheet-data";
import { atLeast, LEVELS, openHost } from "./setup";

const BASE = "http://tianbao.test";
const current = useTestServer();
let server: TestServer;
beforeEach(() => {
  server = current();
});

const june = (c1: number): SheetDocument => {
  const d = hospitalDoc({ period: "2021-06", c1, rest: (i) => i, note: "六月备注" });
  return { ...d, header: { ...d.header, filledOn: "2021-07-05" } };
};

const insertH1 = (session: WorkbookSession, extra: object = {}) =>
  session.insert({
    templateId: "stat-3",
    period: "2021-07",
    unit: { code: "H1", name: "示例县人民医院" },
    tier: "public.g2",
    ...extra,
  });

describe.each(LEVELS)("ExcelApi %s", (level) => {
  it("a submission costs a read and a receipt write; the receipt stays in the workbook", async () => {
    const api = new ApiClient(BASE, server.tokens.H1, injectFetch(server.app));
    const { host, session } = await openHost(level);
    const live = await insertH1(session, { prefill: { ...june(5), period: "2021-07" } });
    const prepared = await host.measure(() => session.prepareSubmission(live.sheetId));
    expect(prepared.syncs).toBe(1);
    expect(prepared.result.errors).toEqual([]);
    const receipt = await api.submit(prepared.result.doc, newIdempotencyKey());
    const saved = await host.measure(() => session.saveReceipt(live.binding.id, receipt));
    expect(saved.syncs).toBe(1);
    expect(receipt.version).toBe(1);
    const reopened = await WorkbookSession.open(templates(), "zh-CN");
    expect(reopened.sheets()[0]!.binding.receipt).toEqual({
      submissionId: receipt.id,
      version: 1,
      at: receipt.receivedAt,
      onTime: receipt.onTime,
    });
  });

  it("a blank sheet is refused before anything is sent: its errors are the submit-phase ones", async () => {
    const { session } = await openHost(level);
    const live = await insertH1(session);
    const p = await session.prepareSubmission(live.sheetId);
    expect(new Set(p.errors.map((i) => i.rule))).toEqual(
      new Set(["cell.required", "header.required"])
    );
  });

  it("July starts from June: the sheet holds June's accepted values cell for cell, in one round trip", async () => {
    const api = new ApiClient(BASE, server.tokens.H1, injectFetch(server.app));
    await api.submit(june(7), newIdempotencyKey());
    const previous = await api.previousOf("H1", "stat-3", "2021-07");
    expect(previous).not.toBeNull();
    const { host, session } = await openHost(level);
    const m = await host.measure(() => insertH1(session, { prefill: previous, previous }));
    expect(m.syncs).toBe(atLeast(level, "1.12") ? 1 : 2);
    const live = m.result;
    const sheet = host.workbook.sheet(live.name)!;
    const r = live.plan.rowIndex["public.g2"]!;
    const cells = june(7).rows[0]!.cells;
    for (const [col, v] of Object.entries(cells))
      expect([col, host.workbook.value(sheet, r, live.plan.colIndex[col]!)]).toEqual([col, v]);
    // The people are carried over; last month's date of filling is not.
    const filledOn = live.plan.header.filledOn;
    expect(host.workbook.value(sheet, filledOn.r, filledOn.c)).toBe("");
    const preparer = live.plan.header.preparer;
    expect(host.workbook.value(sheet, preparer.r, preparer.c)).toBe("李某");
    // The model knows the values without a read, and last month for the cumulative check.
    expect(live.model.document().rows[0]!.cells.c1).toBe(7);
    await host.user.typeInto(
      live.name,
      `${String.fromCharCode(65 + live.plan.colIndex.c1!)}${r + 1}`,
      6
    );
    expect(live.model.issues("fill").map((i) => i.rule)).toContain("period.cumulative-decrease");
  });

  it("a collector inserts the consolidated table in one round trip; it shows the server's figures", async () => {
    const h1 = new ApiClient(BASE, server.tokens.H1, injectFetch(server.app));
    await h1.submit({ ...june(4), period: "2021-07" }, newIdempotencyKey());
    const cty = new ApiClient(BASE, server.tokens.CTY, injectFetch(server.app));
    const consolidated = await cty.consolidated("stat-3", "2021-07", "CTY");
    const { host, session } = await openHost(level);
    const m = await host.measure(() =>
      session.insert({
        templateId: "stat-3",
        period: "2021-07",
        unit: { code: "CTY", name: "示例县卫生健康局" },
        tier: null,
        prefill: consolidated.document,
      })
    );
    expect(m.syncs).toBe(atLeast(level, "1.12") ? 1 : 2);
    const shown = await session.readDocument(m.result.sheetId);
    const t = templates().get("stat-3")!;
    const { filledOn: _f, ...header } = consolidated.document.header;
    void _f;
    expect(normalized(shown)).toEqual(
      normalized({ ...withComputedCells(t, consolidated.document), header })
    );
    expect(shown.rows.find((r) => r.key === "all")!.cells.c1).toBe(4);
  });
});
