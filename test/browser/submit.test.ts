import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { a1 } from "../../src/core/layout/address";
import { layoutPlan } from "../../src/core/layout/plan";
import { shanghaiDate } from "../../src/core/periods";
import { templates } from "../../src/templates";
import { buildHarness, launchChromium, ROOT, SHOTS } from "./harness-build";

/**
 * The loop users live in, in Chromium against a real server process with its own SQLite file: a
 * hospital fills 表三 and submits it twice, submits once more while the server is down (queued),
 * and after the server is back the queue sends it exactly once; the county bureau then sees who
 * reported and inserts the consolidated table.
 */
const BUILD = join(ROOT, "test-artifacts", "harness-build-server");
let dataDir: string;
let port: number;
let server: ChildProcess | null = null;
let tokens: { reporter: string; collector: string };
let browser: Browser;
let base: string;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/** Starts `tianbao serve` (the real CLI) and waits until it answers; returns what it printed. */
async function startServer(demo: boolean): Promise<string> {
  const args = ["--import", "tsx", "src/cli/index.ts", "serve", "--http", "--port", String(port)];
  args.push("--db", `sqlite:${join(dataDir, "tianbao.sqlite")}`);
  if (demo) args.push("--demo");
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, TIANBAO_ADDIN_DIR: join(BUILD, "addin"), NODE_ENV: "test" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server = child;
  let out = "";
  child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setTimeout(r, 150));
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
      if (res.ok && (!demo || /Demo collector token/.test(out))) return out;
    } catch {
      // not up yet
    }
  }
  throw new Error(`the server did not start:\n${out}`);
}

async function stopServer(): Promise<void> {
  const child = server;
  server = null;
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

async function api<T>(path: string, token: string): Promise<T> {
  const res = await fetch(`${base}/api/v1${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await res.json()) as T;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), "tianbao-browser-"));
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  await buildHarness(BUILD);
  const printed = await startServer(true);
  tokens = {
    reporter: /Demo reporter token[^:]*:\s*(\S+)/.exec(printed)![1]!,
    collector: /Demo collector token[^:]*:\s*(\S+)/.exec(printed)![1]!,
  };
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stopServer();
});

// This month's report: due next month, so a submission today is on time.
const PERIOD = shanghaiDate(new Date()).slice(0, 7);
const SHEET = `表三 ${PERIOD}`;
const plan = layoutPlan(templates().get("stat-3")!, { period: PERIOD, tier: "public.g2" });
const at = (row: string, col: string): string => a1(plan.rowIndex[row]!, plan.colIndex[col]!);
const header = (f: keyof typeof plan.header): string => a1(plan.header[f].r, plan.header[f].c);

async function typeCell(page: Page, address: string, value: string): Promise<void> {
  const input = page.locator(`input[data-address="${address}"]`);
  await input.fill(value);
  await input.press("Enter");
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${base}/addin/harness.html`);
  await page.getByTestId("token").fill(token);
  await page.getByTestId("sign-in").click();
  await page.getByTestId("signed-in").waitFor();
}

it("a hospital submits twice, queues a third while the server is down, and it is sent once when it is back; the bureau consolidates", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await signIn(page, tokens.reporter);
  expect(await page.getByTestId("signed-in").textContent()).toContain("示例县中医医院");

  // The unit and tier come from the registry: no typing them.
  expect(await page.getByTestId("unit-code").count()).toBe(0);
  await page.getByTestId("template").click();
  await page.getByRole("option", { name: "表三" }).click();
  await page.getByTestId("period").fill(PERIOD);
  await page.getByTestId("insert").click();
  await page.locator(`[data-testid="grid"][data-sheet="${SHEET}"]`).waitFor();

  await typeCell(page, at("public.g2", "c1"), "3");
  await page.getByTestId("fill-zero").click();
  await page.locator(`input[data-address="${at("public.g2", "c13")}"][value="0"]`).waitFor();
  await typeCell(page, header("filledOn"), shanghaiDate(new Date()));
  await typeCell(page, header("head"), "张某");
  await typeCell(page, header("preparer"), "李某");
  await typeCell(page, header("phone"), "0772-6815093");

  await page.getByTestId("submit").click();
  await page.getByTestId("receipt").filter({ hasText: "第 1 版" }).waitFor();

  await typeCell(page, at("public.g2", "c1"), "5");
  await page.getByTestId("submit").click();
  await page.getByTestId("receipt").filter({ hasText: "第 2 版" }).waitFor();
  await page.screenshot({ path: join(SHOTS, "submit-version-2.png"), fullPage: true });

  // The server goes away: the submission waits in the queue, with its key.
  await stopServer();
  await typeCell(page, at("public.g2", "c1"), "6");
  await page.getByTestId("submit").click();
  await page.getByTestId("queued").waitFor();
  expect(await page.getByTestId("queued").count()).toBe(1);
  expect(await page.getByTestId("receipt").textContent()).toContain("第 2 版");
  await page.screenshot({ path: join(SHOTS, "submit-queued-offline.png"), fullPage: true });

  // Back again (same database, tokens kept): one retry sends it, once.
  await startServer(false);
  await page.getByTestId("retry").click();
  await page.getByTestId("receipt").filter({ hasText: "第 3 版" }).waitFor();
  expect(await page.getByTestId("queued").count()).toBe(0);
  await page.getByTestId("retry").count();
  const list = await api<{ submissions: { version: number }[] }>(
    `/submissions?unit=DEMO-H02&template=stat-3&period=${PERIOD}`,
    tokens.reporter
  );
  expect(list.submissions.map((s) => s.version).sort()).toEqual([1, 2, 3]);
  await context.close();

  // The county bureau.
  const bureau = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const cp = await bureau.newPage();
  cp.setDefaultTimeout(20_000);
  await signIn(cp, tokens.collector);
  await cp.getByTestId("collector-template").click();
  await cp.getByRole("option", { name: "表三" }).click();
  await cp.getByTestId("collector-period").fill(PERIOD);
  await cp.getByTestId("show-status").click();
  await cp.getByTestId("status-table").waitFor();
  expect(await cp.locator('tr[data-unit="DEMO-H02"]').getAttribute("data-status")).toBe(
    "submitted"
  );
  const missing = await cp.locator('tr[data-status="missing"]').count();
  expect(missing).toBeGreaterThan(5);
  expect(await cp.locator('tr[data-status="submitted"]').count()).toBe(1);

  await cp.getByTestId("insert-consolidated").click();
  await cp.locator(`[data-testid="grid"][data-sheet="${SHEET}"]`).waitFor();
  const consolidated = await api<{
    document: { rows: { key: string; cells: Record<string, unknown> }[] };
  }>(`/consolidated?template=stat-3&period=${PERIOD}&unit=DEMO-CTY`, tokens.collector);
  // Every number of every row of the server's document is what the sheet shows.
  let compared = 0;
  for (const row of consolidated.document.rows) {
    if (plan.rowIndex[row.key] === undefined) continue;
    for (const [col, v] of Object.entries(row.cells)) {
      if (typeof v !== "number" || plan.colIndex[col] === undefined) continue;
      const address = at(row.key, col);
      // An input cell shows its value in an <input>, a subtotal as text.
      const shown = await cp
        .locator(`td[data-address="${address}"]`)
        .evaluate((el) => el.querySelector("input")?.value ?? el.textContent);
      expect([address, Number(shown)]).toEqual([address, v]);
      compared++;
    }
  }
  expect(compared).toBeGreaterThan(40);
  expect(await cp.locator(`td[data-address="${at("all", "c1")}"]`).textContent()).toBe("6");
  await cp.screenshot({ path: join(SHOTS, "collector-consolidated.png"), fullPage: true });

  // The trend chart of 警示教育活动 by tier over the year so far.
  await cp.getByTestId("insert-chart").click();
  await cp.getByTestId("chart").waitFor();
  expect(await cp.getByTestId("chart").textContent()).toContain("按月新增");
  await cp.screenshot({ path: join(SHOTS, "collector-trend-chart.png"), fullPage: true });
  await bureau.close();
}, 180_000);
