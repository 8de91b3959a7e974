import { ApiClient } from "../../src/client/api";
import { newIdempotencyKey } from "../../src/client/queue";
import type { SheetDocument } from "../../src/core/schema/document";
import { WorkbookSession } from "../../src/excel/session";
import { templates } from "../../src/templates";
import { injectFetch } from "../client/inject-fetch";
import { hospitalDoc } from "../helpers/documents";
import type { TestServer } from "../helpers/server";
import { useTestServer } from "../helpers/server-hooks";
import { LEVELS, openHost } from "./setup";

const BASE = "http://tianbao.test";
const current = useTestServer();
let server: TestServer;
beforeEach(() => {
  server = current();
});

const month = (period: string, c1: number): SheetDocument => {
  const d = hospitalDoc({ period, c1, rest: (i) => i, note: "备注" });
  return { ...d, header: { ...d.header, filledOn: "2021-08-05" } };
};

const WARNING = { rule: "period.cumulative-decrease", row: "public.g2", col: "c1" };

describe.each(LEVELS)("ExcelApi %s: a 说明 kept in the sheet's binding", (level) => {
  it("survives reopening the workbook, goes into the document at 报送, and stays with the sheet once it is sent", async () => {
    const api = new ApiClient(BASE, server.tokens.H1, injectFetch(server.app));
    await api.submit(month("2021-06", 9), newIdempotencyKey());
    const { host, session } = await openHost(level);
    const live = await session.insert({
      templateId: "stat-3",
      period: "2021-07",
      unit: { code: "H1", name: "示例县人民医院" },
      tier: "public.g2",
      prefill: month("2021-07", 5),
    });
    // Without the 说明 the server refuses: the decrease needs one.
    const bare = await session.prepareSubmission(live.sheetId);
    expect(bare.doc.explanations).toBeUndefined();
    await expect(api.submit(bare.doc, newIdempotencyKey())).rejects.toMatchObject({
      failure: { kind: "http", status: 422 },
    });

    const saved = await host.measure(() =>
      session.setExplanation(live.sheetId, WARNING, "  6月多报，本月更正 ")
    );
    expect(saved.syncs).toBe(1);
    expect(live.binding.explanations).toEqual([{ ...WARNING, text: "6月多报，本月更正" }]);

    host.reopen();
    const reopened = await WorkbookSession.open(templates(), "zh-CN");
    const again = reopened.sheets()[0]!;
    expect(again.binding.explanations).toEqual([{ ...WARNING, text: "6月多报，本月更正" }]);
    expect(reopened.explanationOf(again.sheetId, WARNING)).toBe("6月多报，本月更正");

    const prepared = await reopened.prepareSubmission(again.sheetId);
    expect(prepared.doc.explanations).toEqual([{ ...WARNING, text: "6月多报，本月更正" }]);
    const receipt = await api.submit(prepared.doc, newIdempotencyKey());
    expect(receipt.warnings.map((w) => w.rule)).toEqual(["period.cumulative-decrease"]);
    await reopened.saveReceipt(again.binding.id, receipt);
    // Sent, the 说明 stays with the sheet: in its binding, in the box, and answering its warning.
    const kept = [{ ...WARNING, text: "6月多报，本月更正" }];
    expect(again.binding.explanations).toEqual(kept);
    expect(reopened.explanationOf(again.sheetId, WARNING)).toBe("6月多报，本月更正");
    expect(again.model.issues("submit").map((i) => i.rule)).not.toContain("explanation.required");
    host.reopen();
    const third = await WorkbookSession.open(templates(), "zh-CN");
    const sent = third.sheets()[0]!;
    expect(sent.binding.receipt?.version).toBe(1);
    expect(sent.binding.explanations).toEqual(kept);
    // The next version starts from it: the same 说明 goes along.
    expect((await third.prepareSubmission(sent.sheetId)).doc.explanations).toEqual(kept);
    expect(sent.model.issues("submit").map((i) => i.rule)).not.toContain("explanation.required");

    // Clearing a field removes the 说明.
    await third.setExplanation(sent.sheetId, WARNING, "临时");
    await third.setExplanation(sent.sheetId, WARNING, "   ");
    expect(sent.binding.explanations).toBeUndefined();
  });
});
