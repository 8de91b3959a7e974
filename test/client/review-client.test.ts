import { withComputedCells } from "../../src/core/computed";
import { ApiClient, ApiError } from "../../src/client/api";
import { describeFailure } from "../../src/client/failure";
import { countChanges } from "../../src/core/sheet/diff";
import { newIdempotencyKey } from "../../src/client/queue";
import { templates } from "../../src/templates";
import { readXlsx } from "../../src/xlsx/read";
import { hospitalDoc } from "../helpers/documents";
import type { TestServer } from "../helpers/server";
import { useTestServer } from "../helpers/server-hooks";
import { injectFetch } from "./inject-fetch";

/** The review half of the client: every answer checked against the contract, refusals in words. */
const BASE = "http://tianbao.test";
const CODE = /\b(accepted|stale|locked|not-submitted|[a-z]+-[a-z]+)\b/;

const current = useTestServer();
let server: TestServer;
beforeEach(() => {
  server = current();
});
const client = (token: keyof TestServer["tokens"]) =>
  new ApiClient(BASE, server.tokens[token], injectFetch(server.app));

const refusal = async (p: Promise<unknown>): Promise<ApiError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
};

it("review, status, diff, lock and coverage parse against the contract", async () => {
  const h1 = client("H1");
  const cty = client("CTY");
  const v1 = hospitalDoc({ c1: 1 });
  const v2 = hospitalDoc({ c1: 3, rest: (i) => (i === 4 ? 2 : 0) });
  const first = await h1.submit(v1, newIdempotencyKey());
  const second = await h1.submit(v2, newIdempotencyKey());

  const stored = await cty.submission(second.id);
  expect(stored).toMatchObject({ id: second.id, unit: "H1", version: 2 });
  // Stored as sent, with its computed cells filled from the inputs.
  expect(stored.document).toEqual(withComputedCells(templates().get("stat-3")!, v2));
  // Another unit's version is unknown to H2.
  expect((await refusal(client("H2").submission(second.id))).failure).toMatchObject({
    kind: "http",
    status: 404,
  });
  const diff = await cty.diff(second.id);
  expect(diff.from).toEqual({ id: first.id, version: 1 });
  expect(diff.changes.length).toBe(countChanges(templates().get("stat-3")!, v1, v2));
  expect((await h1.diff(second.id, first.id)).changes).toEqual(diff.changes);

  const result = await cty.review({
    unit: "H1",
    template: "stat-3",
    period: v1.period,
    decision: "accept",
    version: 2,
  });
  expect(result).toMatchObject({ state: "accepted", version: 2, reviewer: "CTY" });
  const status = await cty.status("stat-3", v1.period, "CTY");
  expect(status.entries.find((e) => e.unit === "H1")).toMatchObject({ state: "accepted" });
  expect(status.lock.locked).toBe(false);
  const c = await cty.consolidated("stat-3", v1.period, "CTY", { only: "accepted" });
  expect(c.coverage).toEqual({ expected: 2, submitted: 1, accepted: 1 });

  await cty.lock("CTY", "stat-3", v1.period, true);
  expect(await h1.getLock("H1", "stat-3", v1.period)).toMatchObject({
    locked: true,
    by: "CTY",
    byName: "示例县卫生健康局",
  });
});

it("accepted and stale are said in Chinese, naming what to do, never by their code", async () => {
  const h1 = client("H1");
  const cty = client("CTY");
  const doc = hospitalDoc({ c1: 1 });
  await h1.submit(doc, newIdempotencyKey());
  await h1.submit(hospitalDoc({ c1: 2 }), newIdempotencyKey());

  const stale = await refusal(
    cty.review({
      unit: "H1",
      template: "stat-3",
      period: doc.period,
      decision: "accept",
      version: 1,
    })
  );
  expect(stale.retryable).toBe(false);
  const staleText = describeFailure(stale, "zh-CN");
  expect(staleText).toContain("第 2 版");
  expect(staleText).not.toMatch(CODE);

  await cty.review({ unit: "H1", template: "stat-3", period: doc.period, decision: "accept" });
  const accepted = await refusal(h1.submit(hospitalDoc({ c1: 5 }), newIdempotencyKey()));
  // Not worth retrying: the queue gives it up and says why.
  expect(accepted.retryable).toBe(false);
  expect(describeFailure(accepted, "zh-CN", "queued")).toBe("已审核，如需修改请联系上级退回。");
  expect(describeFailure(accepted, "zh-CN", "unsent")).toBe(
    "未发送：已审核，如需修改请联系上级退回。"
  );
  expect(describeFailure(accepted, "en-US")).toMatch(/accepted/i);

  const nothing = await refusal(
    cty.review({ unit: "H2", template: "stat-3", period: doc.period, decision: "accept" })
  );
  expect(describeFailure(nothing, "zh-CN")).toContain("尚未报送");
});

/**
 * The bureau's 下载汇总表 with 只汇总已审核 ticked: the file must sum what the page shows (the
 * accepted reports only), not every latest version.
 */
it("the consolidated .xlsx honours only-accepted, as the table on the page does", async () => {
  const h1 = client("H1");
  const cty = client("CTY");
  const P = "2021-09";
  await h1.submit(hospitalDoc({ period: P, c1: 5 }), newIdempotencyKey());
  const h2 = hospitalDoc({ period: P, unit: "H2", c1: 7 });
  await client("H2").submit(
    { ...h2, rows: [{ ...h2.rows[0]!, key: "private.g1" }] },
    newIdempotencyKey()
  );
  await cty.review({ unit: "H1", template: "stat-3", period: P, decision: "accept" });
  const c1Of = async (blob: Blob): Promise<unknown> => {
    const read = await readXlsx(Buffer.from(await blob.arrayBuffer()), {
      templates: templates(),
      unit: { code: "CTY", name: "示例县卫生健康局" },
      period: P,
      template: "stat-3",
    });
    if (!read.ok) throw new Error(read.message);
    // The file's subtotals are never read: the total is what its input rows add up to.
    return withComputedCells(read.template, read.doc).rows.find((r) => r.key === "all")?.cells.c1;
  };
  expect(await c1Of(await cty.consolidatedXlsx("stat-3", P, "CTY"))).toBe(5 + 7);
  expect(await c1Of(await cty.consolidatedXlsx("stat-3", P, "CTY", { only: "accepted" }))).toBe(5);
});
