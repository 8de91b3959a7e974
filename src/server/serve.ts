import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { templates } from "../templates";
import { buildApp } from "./app";
import { audit } from "./audit";
import { ensureDevCertificate, trustInstructions } from "./certs";
import { startDailyBackups } from "./backup";
import { DEFAULT_DB, openStore, type Store } from "./db/connect";
import { registerPages } from "./pages";
import { registerWpsRoutes } from "./wps-routes";
import { DEMO_COLLECTOR, DEMO_REPORTER, DEMO_UNITS } from "./demo";
import { issueToken, revokeToken } from "./tokens";
import { upsertUnits } from "./units";

export interface ServeOptions {
  db?: string;
  port: number;
  host: string;
  http: boolean;
  demo: boolean;
  /** Proxies whose X-Forwarded-For is believed (TIANBAO_TRUST_PROXY, checked by the CLI). */
  trustProxy?: string;
  log: (line: string) => void;
  /** A backup a day into dir, the keep newest kept (startDailyBackups). */
  backups?: { dir: string; keep: number };
}

const ROOT = join(__dirname, "..", "..");

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string })
    .version;
}

/** Loads the demo registry into an empty database; replaces the demo tokens of the last start. */
async function prepareDemo(store: Store): Promise<{ reporter: string; collector: string }> {
  const { db } = store;
  const any = await db.selectFrom("units").select("code").limit(1).executeTakeFirst();
  if (!any) await upsertUnits(db, DEMO_UNITS);
  const previous = await db
    .selectFrom("audit")
    .select("detail")
    .where("action", "=", "token.demo-issued")
    .execute();
  for (const p of previous)
    for (const id of JSON.parse(p.detail) as string[]) await revokeToken(db, id);
  const reporter = await issueToken(db, DEMO_REPORTER, "reporter");
  const collector = await issueToken(db, DEMO_COLLECTOR, "collector");
  await audit(db, { action: "token.demo-issued", detail: [reporter.id, collector.id] });
  return { reporter: reporter.token, collector: collector.token };
}

export interface Running {
  app: FastifyInstance;
  store: Store;
  url: string;
  stop(): Promise<void>;
}

export async function serve(opts: ServeOptions): Promise<Running> {
  const store = await openStore(opts.db);
  // The first is taken at once when the folder has none from the last day.
  const daily = opts.backups
    ? startDailyBackups({
        url: opts.db ?? process.env.TIANBAO_DB ?? DEFAULT_DB,
        ...opts.backups,
        log: opts.log,
      })
    : null;
  const demoTokens = opts.demo ? await prepareDemo(store) : null;
  let https: { key: Buffer; cert: Buffer } | undefined;
  let caPath: string | null = null;
  if (!opts.http) {
    const certFile = process.env.TIANBAO_TLS_CERT;
    const keyFile = process.env.TIANBAO_TLS_KEY;
    if (certFile && keyFile) https = { cert: readFileSync(certFile), key: readFileSync(keyFile) };
    else {
      const dev = await ensureDevCertificate(join(ROOT, "data", "certs"));
      https = { key: dev.key, cert: dev.cert };
      caPath = dev.caPath;
    }
  }
  const scheme = https ? "https" : "http";
  const origin = `${scheme}://localhost:${opts.port}`;
  const app = await buildApp({
    store,
    templates: templates(),
    version: packageVersion(),
    logger: true,
    https,
    addinOrigin: origin,
    trustProxy: opts.trustProxy,
  });
  // TIANBAO_ADDIN_DIR serves another build of the add-in (the browser tests serve the harness page).
  const addinDir = process.env.TIANBAO_ADDIN_DIR ?? join(ROOT, "dist", "addin");
  await registerPages(app, existsSync(addinDir) ? addinDir : null);
  registerWpsRoutes(app, existsSync(addinDir) ? addinDir : null, packageVersion());
  await app.listen({ port: opts.port, host: opts.host });

  opts.log(`填报 Tianbao ${packageVersion()} on ${origin} (database: ${store.kind})`);
  opts.log(`  API:     ${origin}/api/v1/health`);
  opts.log(
    existsSync(addinDir)
      ? `  Add-in:  ${origin}/addin/taskpane.html\n  Web:     ${origin}/web`
      : "  Add-in:  not built (npm run build)"
  );
  if (demoTokens) {
    opts.log(`  Demo reporter token (示例县中医医院, 公立二级): ${demoTokens.reporter}`);
    opts.log(`  Demo collector token (示例县卫生健康局):       ${demoTokens.collector}`);
  }
  opts.log(
    "Sideload manifest.xml in Excel: Insert > Add-ins > Upload my add-in (web), or a shared-folder catalog (Windows); see docs/add-in.md."
  );
  if (caPath) opts.log(trustInstructions(caPath));

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    daily?.stop();
    // Fastify's close waits for requests in flight before the database is closed.
    stopping ??= (daily?.taken ?? Promise.resolve())
      .then(() => app.close())
      .then(() => store.close());
    return stopping;
  };
  return { app, store, url: origin, stop };
}
