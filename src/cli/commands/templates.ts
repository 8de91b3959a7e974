import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { TemplateError } from "../../core/template/compile";
import { openStore } from "../../server/db/connect";
import {
  importTemplate,
  listInstalled,
  retireTemplate,
  seedTemplates,
} from "../../server/templates-store";
import { templates } from "../../templates";
import { CliExit, type CliIO } from "../io";

const DB_HELP =
  "sqlite:FILE or postgres://… (default: TIANBAO_DB, else sqlite:./data/tianbao.sqlite)";

function readDefinition(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new CliExit(2, `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new CliExit(2, `${path} is not JSON: ${(e as Error).message}`);
  }
}

/**
 * The tables a server offers, installed without a release: every server process on the same
 * database sees a change from its next request on.
 */
export function registerTemplates(program: Command, io: CliIO): void {
  const cmd = program
    .command("templates")
    .description("the table definitions the server offers (installed at run time)");

  cmd
    .command("import")
    .description(
      "install a table definition (JSON): a changed definition becomes the next version, the same one changes nothing; a wrong one is refused with its place"
    )
    .argument("<file>")
    .option("--db <url>", DB_HELP)
    .action(async (file: string, flags: { db?: string }) => {
      const definition = readDefinition(file);
      const store = await openStore(flags.db);
      try {
        // A database no server has started on yet gets the built-in pack first, as a server would.
        await seedTemplates(store.db, templates());
        const r = await importTemplate(store.db, definition);
        io.out(
          `${r.id} version ${r.version} ${r.changed ? "installed" : r.reinstated ? "reinstated" : "unchanged"}\n`
        );
      } catch (e) {
        if (e instanceof TemplateError)
          throw new CliExit(
            1,
            `${file}: ${e.pointer || "/"}: ${e.detail} (template ${e.templateId}; nothing was installed)`
          );
        throw e;
      } finally {
        await store.close();
      }
    });

  cmd
    .command("list")
    .description("every table: id, latest version, in-use or retired, title (tab-separated)")
    .option("--db <url>", DB_HELP)
    .action(async (flags: { db?: string }) => {
      const store = await openStore(flags.db);
      try {
        await seedTemplates(store.db, templates());
        for (const t of await listInstalled(store.db))
          io.out(`${t.id}\t${t.version}\t${t.retiredAt ? "retired" : "in-use"}\t${t.title}\n`);
      } finally {
        await store.close();
      }
    });

  cmd
    .command("retire")
    .description("no new submissions of this table (409 retired); its documents and versions stay")
    .argument("<id>")
    .option("--db <url>", DB_HELP)
    .action(async (id: string, flags: { db?: string }) => {
      const store = await openStore(flags.db);
      try {
        await seedTemplates(store.db, templates());
        if (!(await retireTemplate(store.db, id)))
          throw new CliExit(1, `no table "${id}" is installed`);
        io.err(`${id} retired`);
      } finally {
        await store.close();
      }
    });
}
