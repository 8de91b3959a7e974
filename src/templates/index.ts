import { TemplateRegistry } from "../core/template/registry";
import ledger from "./ledger.json";
import stat1 from "./stat-1.json";
import stat2 from "./stat-2.json";
import stat3 from "./stat-3.json";

/** The official template pack, as data. A new campaign's table is one more JSON file listed here. */
export const TEMPLATE_DEFINITIONS: readonly unknown[] = [stat1, stat2, stat3, ledger];

let registry: TemplateRegistry | undefined;

/** The compiled pack, built on first use (compiling checks every definition). */
export function templates(): TemplateRegistry {
  registry ??= new TemplateRegistry(TEMPLATE_DEFINITIONS);
  return registry;
}
