import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { CliServer, freePort } from "../helpers/cli-server";
import { createTestDb, type TestDb } from "../helpers/server";
import { BUILD_TIMEOUT_MS, launchChromium, SHOTS, sharedHarness } from "./harness-build";

export interface RealServerSuite {
  server: CliServer;
  browser: Browser;
  /** A fresh folder of the suite's own (its database, files it writes). */
  dir: string;
  /** The server's database, as `--db` takes it. */
  db: string;
}

/**
 * A suite against the real server process: the harness build shared by this run (sharedHarness),
 * `serve --demo` on a fresh SQLite file serving it (pane and API share one origin), and
 * Chromium. The fields are there once the suite's beforeAll has run.
 */
export function useRealServer(kind: "sqlite" | "postgres" = "sqlite"): RealServerSuite {
  const suite = {} as RealServerSuite;
  let pg: TestDb | null = null;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    suite.dir = mkdtempSync(join(tmpdir(), "tianbao-browser-"));
    const out = await sharedHarness();
    pg = kind === "postgres" ? await createTestDb("postgres") : null;
    suite.db = pg ? pg.url : `sqlite:${join(suite.dir, "tianbao.sqlite")}`;
    suite.server = new CliServer(await freePort(), suite.db, join(out, "addin"));
    await suite.server.start(true);
    suite.browser = await launchChromium();
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
    await pg?.drop();
  });
  return suite;
}
