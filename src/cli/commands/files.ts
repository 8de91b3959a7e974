import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { layoutPlan } from "../../core/layout/plan";
import { periodSchema, type Issue } from "../../core/schema/document";
import { openStore } from "../../server/db/connect";
import { getUnit, tierOf, type Unit } from "../../server/units";
import { templates } from "../../templates";
import { readXlsx } from "../../xlsx/read";
import { writeXlsx } from "../../xlsx/write";
import { submit } from "../../server/submissions";
import { CliExit, type CliIO } from "../io";
import { manifestForHost } from "../manifest";

async function importXlsx(
  file: string,
  flags: { unit: string; period: string; template?: string; db?: string },
  io: CliIO
): Promise<void> {
  if (!periodSchema.safeParse(flags.period).success)
    throw new CliExit(2, `--period must be YYYY-MM, not "${flags.period}"`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new CliExit(2, `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const store = await openStore(flags.db);
  try {
    const unit = await getUnit(store.db, flags.unit);
    if (!unit) throw new CliExit(1, `unit ${flags.unit} is not in the registry`);
    const all = await store.db.selectFrom("units").select(["code", "name"]).execute();
    const read = await readXlsx(bytes, {
      templates: templates(),
      unit: { code: unit.code, name: unit.name },
      period: flags.period,
      template: flags.template,
      unitCodeByName: new Map(all.map((u) => [u.name, u.code])),
    });
    if (!read.ok) throw new CliExit(2, `${file}: ${read.message}`);
    const line = (i: Issue): string => `  ${i.severity} [${i.row}.${i.col}] ${i.message}`;
    const refused = read.readIssues.filter((i) => i.severity === "error");
    if (refused.length)
      throw new CliExit(
        1,
        [`${file}: refused (input cells hold formulas)`, ...refused.map(line)].join("\n")
      );
    for (const i of read.readIssues) io.err(`${file}:${line(i)}`);
    // The file's hash is the idempotency key: importing the same file twice makes one version.
    const key = `xlsx-${createHash("sha256").update(bytes).digest("hex").slice(0, 40)}`;
    const reply = await submit({
      db: store.db,
      templates: templates(),
      token: { id: "cli-import", unit: unit.code, role: "reporter" },
      key,
      body: read.doc,
      remoteAddr: "cli",
    });
    if (reply.status === 201) {
      io.out(JSON.stringify(reply.body));
      return;
    }
    const issues =
      (reply.body.issues as
        { row: string; col: string; message: string; severity: string }[] | undefined) ?? [];
    throw new CliExit(
      1,
      [
        `${file}: refused (${reply.status} ${String(reply.body.error)})`,
        ...issues.map((i) => `  ${i.severity} [${i.row}.${i.col}] ${i.message}`),
      ].join("\n")
    );
  } finally {
    await store.close();
  }
}

export function registerFiles(program: Command, io: CliIO): void {
  program
    .command("import")
    .description("imports files of the old e-mail workflow")
    .command("xlsx")
    .description(
      "a filled official .xlsx, whoever made it, into a validated submission (prints the receipt)"
    )
    .argument("<file>")
    .requiredOption("--unit <code>")
    .requiredOption("--period <YYYY-MM>")
    .option("--template <id>", "the table the file must be (a file of another table is refused)")
    .option("--db <url>")
    .action(
      (file: string, flags: { unit: string; period: string; template?: string; db?: string }) =>
        importXlsx(file, flags, io)
    );

  program
    .command("manifest")
    .description("writes a manifest.xml pointing at another host")
    .requiredOption("--host <url>", "the server's origin, e.g. https://tianbao.example.gov.cn")
    .option("--out <file>", "write to a file instead of stdout")
    .action(async (flags: { host: string; out?: string }) => {
      const xml = await manifestForHost(flags.host);
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
