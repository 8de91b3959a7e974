import { ApiClient, ApiError } from "../../src/client/api";
import { describeFailure } from "../../src/client/failure";
import { SubmissionQueue, newIdempotencyKey, type QueueStorage } from "../../src/client/queue";
import type { SheetDocument } from "../../src/core/schema/document";
import { hospitalDoc } from "../helpers/documents";
import type { TestServer } from "../helpers/server";
import { useTestServer } from "../helpers/server-hooks";
import { injectFetch, offlineFetch } from "./inject-fetch";

const BASE = "http://tianbao.test";

const doc = (c1: number): SheetDocument => hospitalDoc({ c1 });

class MemoryStorage implements QueueStorage {
  value: string | null = null;
  read(): string | null {
    return this.value;
  }
  write(v: string): void {
    this.value = v;
  }
}

const current = useTestServer();
let server: TestServer;
beforeEach(() => {
  server = current();
});

const versions = async (): Promise<number[]> =>
  (
    await server.store.db
      .selectFrom("submissions")
      .select("version")
      .where("unit", "=", "H1")
      .execute()
  ).map((r) => r.version);

it("answers are checked against the contract: me, a submission, the latest accepted document", async () => {
  const api = new ApiClient(BASE, server.tokens.H1, injectFetch(server.app));
  expect(await api.me()).toMatchObject({ role: "reporter", unit: { code: "H1", grade: "2" } });
  const receipt = await api.submit(doc(3), newIdempotencyKey());
  expect(receipt).toMatchObject({ unit: "H1", version: 1, warnings: [] });
  expect(
    (await api.latest("H1", "stat-3", "2021-07"))?.rows.find((r) => r.key === "public.g2")?.cells.c1
  ).toBe(3);
  expect(await api.previousOf("H1", "stat-3", "2021-08")).not.toBeNull();
  expect(await api.previousOf("H1", "stat-3", "2021-01")).toBeNull();

  // A server answering something else is refused, not trusted.
  const liar = new ApiClient(BASE, "t", async () => new Response(JSON.stringify({ role: "boss" })));
  await expect(liar.me()).rejects.toMatchObject({ failure: { kind: "bad-answer" } });
});

it("a refused submission comes back with the server's issues and a message in Chinese", async () => {
  const api = new ApiClient(BASE, server.tokens.H1, injectFetch(server.app));
  const bad = doc(3);
  bad.rows[0]!.cells.c10 = 1.5; // 涉案金额 without a case
  const e = (await api.submit(bad, newIdempotencyKey()).catch((x: unknown) => x)) as ApiError;
  expect(e.failure).toMatchObject({ kind: "http", status: 422, body: { error: "validation" } });
  expect(e.failure.kind === "http" && e.failure.body.issues?.map((i) => i.rule)).toContain(
    "stat-3.c10-needs-c8"
  );
  expect(describeFailure(e, "zh-CN")).toBe("服务器校验未通过，问题已在表中标出。");
  expect(await versions()).toEqual([]);
});

describe("the offline queue", () => {
  it("keeps a submission while the server cannot be reached and sends it once when it can", async () => {
    const storage = new MemoryStorage();
    let now = 1_000_000;
    const queue = new SubmissionQueue(storage, () => now);
    const key = newIdempotencyKey();
    queue.add({ key, doc: doc(3), bindingId: "b1" });

    const offline = new ApiClient(BASE, server.tokens.H1, offlineFetch);
    const r1 = await queue.flush(offline);
    expect(r1.map((r) => [r.ok, !r.ok && r.final])).toEqual([[false, false]]);
    expect(queue.list()).toMatchObject([{ key, attempts: 1 }]);
    expect(describeFailure(!r1[0]!.ok ? r1[0]!.error : null, "zh-CN", "queued")).toContain(
      "待发送队列"
    );
    // Not due yet: nothing is tried.
    expect(await queue.flush(offline)).toEqual([]);

    // The pane is closed and opened again: the queue is still there.
    const reopened = new SubmissionQueue(storage, () => now);
    expect(reopened.list().map((p) => p.key)).toEqual([key]);

    now += 10 * 60_000;
    const online = new ApiClient(BASE, server.tokens.H1, injectFetch(server.app));
    const r2 = await reopened.flush(online);
    expect(r2.map((r) => r.ok && r.receipt.version)).toEqual([1]);
    expect(reopened.list()).toEqual([]);
    expect(await versions()).toEqual([1]);
  });

  it("an answer lost on the way back is retried with the same key: still one version", async () => {
    const storage = new MemoryStorage();
    const queue = new SubmissionQueue(storage, () => 0);
    const real = injectFetch(server.app);
    let lose = true;
    const flaky = async (input: string, init?: RequestInit): Promise<Response> => {
      const res = await real(input, init);
      if (lose) {
        lose = false;
        throw new TypeError("network changed");
      }
      return res;
    };
    queue.add({ key: newIdempotencyKey(), doc: doc(4), bindingId: "b1" });
    const api = new ApiClient(BASE, server.tokens.H1, flaky);
    expect((await queue.flush(api, true))[0]!.ok).toBe(false);
    expect(await versions()).toEqual([1]);
    const again = await queue.flush(api, true);
    expect(again.map((r) => r.ok && r.receipt.version)).toEqual([1]);
    expect(await versions()).toEqual([1]);
  });

  it("a locked period is final: the entry leaves the queue with a message saying whom to ask", async () => {
    const collector = new ApiClient(BASE, server.tokens.CTY, injectFetch(server.app));
    await collector.setLock("H1", "stat-3", "2021-07", true);
    const queue = new SubmissionQueue(new MemoryStorage(), () => 0);
    queue.add({ key: newIdempotencyKey(), doc: doc(3), bindingId: "b1" });
    const r = await queue.flush(new ApiClient(BASE, server.tokens.H1, injectFetch(server.app)));
    expect(r.map((x) => !x.ok && x.final)).toEqual([true]);
    expect(queue.list()).toEqual([]);
    expect(describeFailure(!r[0]!.ok ? r[0]!.error : null, "zh-CN")).toContain("已被上级锁定");
  });

  it("backs off 2 s, 4 s, 8 s … up to five minutes", () => {
    expect([1, 2, 3, 4, 12].map((n) => SubmissionQueue.backoff(n, 0.5))).toEqual([
      2000, 4000, 8000, 16000, 300000,
    ]);
  });
});
