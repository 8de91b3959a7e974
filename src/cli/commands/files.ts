import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { layoutPlan } from "../../core/layout/plan";
import { periodSchema } from "../../core/schema/document";
import { openStore } from "../../server/db/connect";
import { getUnit, tierOf, type Unit } from "../../server/units";
import { templates } from "../../templates";
import { writeXlsx } from "../../xlsx/write";
import { CliExit, type CliIO } from "../io";

const ROOT = join(__dirname, "..", "..", "..");

/** manifest.xml with every https://localhost:3000 replaced by another host (scheme and port included). */
export function manifestForHost(host: string): string {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new CliExit(
      2,
      `--host must be a URL such as https://tianbao.example.gov.cn, not "${host}"`
    );
  }
  if (url.protocol !== "https:")
    throw new CliExit(2, "--host must be https: Office loads add-ins over HTTPS only");
  if (url.pathname !== "/" || url.search || url.hash)
    throw new CliExit(2, "--host is an origin (scheme, host, port), without a path");
  return readFileSync(join(ROOT, "manifest.xml"), "utf8").replaceAll(
    "https://localhost:3000",
    url.origin
  );
}

export function registerFiles(program: Command, io: CliIO): void {
  program
    .command("manifest")
    .description("writes a manifest.xml pointing at another host")
    .requiredOption("--host <url>", "the server's origin, e.g. https://tianbao.example.gov.cn")
    .option("--out <file>", "write to a file instead of stdout")
    .action((flags: { host: string; out?: string }) => {
      const xml = manifestForHost(flags.host);
      if (flags.out) writeFileSync(flags.out, xml);
      else io.out(xml);
    });

  program
    .command("template")
    .description("official blank templates")
    .command("xlsx")
    .description("a blank official template as .xlsx, for people without the add-in")
    .requiredOption("--template <id>")
    .requiredOption("--period <YYYY-MM>")
    .option(
      "--unit <code>",
      "the reporting unit (its name goes into 填报单位; a hospital's tier marks other rows)"
    )
    .requiredOption("--out <file>")
    .option("--db <url>", "the registry to read --unit from")
    .action(
      async (flags: {
        template: string;
        period: string;
        unit?: string;
        out: string;
        db?: string;
      }) => {
        const t = templates().get(flags.template);
        if (!t)
          throw new CliExit(
            2,
            `unknown template "${flags.template}" (${templates()
              .list()
              .map((x) => x.id)
              .join(", ")})`
          );
        if (!periodSchema.safeParse(flags.period).success)
          throw new CliExit(2, `--period must be YYYY-MM, not "${flags.period}"`);
        let unit: Unit | null = null;
        if (flags.unit) {
          const store = await openStore(flags.db);
          try {
            unit = await getUnit(store.db, flags.unit);
          } finally {
            await store.close();
          }
          if (!unit) throw new CliExit(1, `unit ${flags.unit} is not in the registry`);
        }
        const listRows =
          t.def.listKey === "unit" && unit ? [{ key: unit.code, name: unit.name }] : undefined;
        const plan = layoutPlan(t, {
          period: flags.period,
          unit: unit ? { code: unit.code, name: unit.name } : null,
          tier: unit ? tierOf(unit) : null,
          listRows,
        });
        writeFileSync(flags.out, await writeXlsx(plan));
        io.err(`wrote ${flags.out}: ${plan.sheetName}`);
      }
    );
}
