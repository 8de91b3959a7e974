import type { Kysely } from "kysely";
import type { TemplateRegistry } from "../../core/template/registry";
import type { Database } from "../db/schema";

/** What every resource's routes are given by the app (app.ts). */
export interface RouteDeps {
  db: Kysely<Database>;
  /** The app's registry, following the database's tables. */
  templates: TemplateRegistry;
  /** The server's clock (tests set it to judge on-time and periods). */
  now: () => Date;
}
