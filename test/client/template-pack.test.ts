import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  packTemplates,
  refreshPack,
  resetPackForTests,
  subscribePack,
} from "../../src/client/template-pack";
import { TEMPLATE_DEFINITIONS } from "../../src/templates";

const SAMPLE = JSON.parse(
  readFileSync(join(__dirname, "..", "..", "examples", "jkfp", "jkfp-1.json"), "utf8")
) as { id: string; version: number; title: string };

/** The add-in's storage, as the browser gives it. */
class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(k: string): string | null {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.items.set(k, v);
  }
  removeItem(k: string): void {
    this.items.delete(k);
  }
}

const answering = (templates: unknown[]) => async (): Promise<Response> =>
  new Response(JSON.stringify({ templates }), {
    status: 200,
    headers: { "content-type": "application/json" },
  });
const offline = async (): Promise<Response> => {
  throw new TypeError("Failed to fetch");
};

describe("the tables of the pane and the web pages come from the server", () => {
  let storage: MemoryStorage;
  beforeEach(() => {
    storage = new MemoryStorage();
    (globalThis as { localStorage?: unknown }).localStorage = storage;
    resetPackForTests();
  });
  afterAll(() => {
    delete (globalThis as { localStorage?: unknown }).localStorage;
  });

  it("a table the server offers is there at once, and listeners hear of it", async () => {
    expect(packTemplates().get("jkfp-1")).toBeUndefined();
    let heard = 0;
    subscribePack(() => heard++);
    expect(await refreshPack("http://server", answering([...TEMPLATE_DEFINITIONS, SAMPLE]))).toBe(
      true
    );
    expect(
      packTemplates()
        .list()
        .map((t) => t.id)
    ).toEqual(["stat-1", "stat-2", "stat-3", "ledger", "jkfp-1"]);
    expect(heard).toBe(1);
    // The same answer again changes nothing, so nothing re-renders.
    await refreshPack("http://server", answering([...TEMPLATE_DEFINITIONS, SAMPLE]));
    expect(heard).toBe(1);
  });

  it("a pane opened offline has the last known tables, every version", async () => {
    await refreshPack("http://server", answering([...TEMPLATE_DEFINITIONS, SAMPLE]));
    await refreshPack(
      "http://server",
      answering([...TEMPLATE_DEFINITIONS, { ...SAMPLE, version: 2, title: "第二版" }])
    );
    resetPackForTests();
    expect(await refreshPack("http://server", offline)).toBe(false);
    const reg = packTemplates();
    expect(reg.get("jkfp-1")?.version).toBe(2);
    expect(reg.get("jkfp-1", 1)?.def.title).toBe(SAMPLE.title);
  });

  it("a table the server no longer offers (retired) leaves the list but old sheets still find it", async () => {
    await refreshPack("http://server", answering([...TEMPLATE_DEFINITIONS, SAMPLE]));
    await refreshPack("http://server", answering([...TEMPLATE_DEFINITIONS]));
    expect(
      packTemplates()
        .list()
        .map((t) => t.id)
    ).not.toContain("jkfp-1");
    expect(packTemplates().get("jkfp-1", 1)).toBeDefined();
  });

  it("an answer that is not a list of tables, or a definition this build cannot read, breaks nothing", async () => {
    expect(
      await refreshPack("http://server", async () => new Response("<html>", { status: 200 }))
    ).toBe(false);
    expect(
      await refreshPack("http://server", answering([...TEMPLATE_DEFINITIONS, { id: "broken" }]))
    ).toBe(true);
    expect(
      packTemplates()
        .list()
        .map((t) => t.id)
    ).toEqual(["stat-1", "stat-2", "stat-3", "ledger"]);
  });
});
