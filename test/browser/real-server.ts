import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { CliServer, freePort } from "../helpers/cli-server";
import { BUILD_TIMEOUT_MS, buildHarness, launchChromium, ROOT, SHOTS } from "./harness-build";

export interface RealServerSuite {
  server: CliServer;
  browser: Browser;
  /** A fresh folder of the suite's own (its database, files it writes). */
  dir: string;
}

/**
 * A suite against the real server process: the harness built into test-artifacts/`build`,
 * `serve --demo` on a fresh SQLite file serving it (pane and API share one origin), and
 * Chromium. The fields are there once the suite's beforeAll has run.
 */
export function useRealServer(build: string): RealServerSuite {
  const suite = {} as RealServerSuite;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    suite.dir = mkdtempSync(join(tmpdir(), "tianbao-browser-"));
    const out = join(ROOT, "test-artifacts", build);
    await buildHarness(out);
    const db = `sqlite:${join(suite.dir, "tianbao.sqlite")}`;
    suite.server = new CliServer(await freePort(), db, join(out, "addin"));
    await suite.server.start(true);
    suite.browser = await launchChromium();
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
  });
  return suite;
}
