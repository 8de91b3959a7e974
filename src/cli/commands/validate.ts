import { readFileSync } from "node:fs";
import { formatMonth } from "../../core/format";
import type { Command } from "commander";
import { isLocale, type Locale } from "../../core/i18n";
import type { Issue, SheetDocument } from "../../core/schema/document";
import { tierSchema, type Tier } from "../../core/schema/template";
import { parseSheetDocument } from "../../core/validate/document";
import { rowLabel, validateParsed, type Phase } from "../../core/validate/engine";
import { columnTitle } from "../../core/template/labels";
import { HEADER_LABELS } from "../../core/validate/messages";
import { templates } from "../../templates";
import { CliExit, type CliIO } from "../io";

interface ValidateFlags {
  previous?: string;
  history?: string;
  tier?: string;
  phase: string;
  json?: boolean;
  lang: string;
}

const TEXT = {
  "zh-CN": {
    error: "错误",
    warning: "警告",
    none: "未发现问题",
    summary: (e: number, w: number) => `${e} 个错误，${w} 个警告`,
    prev: "上期文件",
    notArray: "应为填报表文档的 JSON 数组",
  },
  "en-US": {
    error: "error",
    warning: "warning",
    none: "no issues",
    summary: (e: number, w: number) => `${e} error(s), ${w} warning(s)`,
    prev: "previous file",
    notArray: "must be a JSON array of sheet documents",
  },
};

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new CliExit(
      2,
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`
    );
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new CliExit(2, `${path} is not JSON: ${(e as Error).message}`);
  }
}

/** The unit's stored documents of earlier periods, for history.outlier (docs/review.md). */
function loadHistory(path: string, locale: Locale): SheetDocument[] {
  const input = readJson(path);
  if (!Array.isArray(input)) throw new CliExit(2, `--history ${path}: ${TEXT[locale].notArray}`);
  return input.map((item, i) => {
    const parsed = parseSheetDocument(item, templates(), locale);
    if (!parsed.ok) throw new CliExit(2, `--history ${path} [${i}]: ${parsed.error.message}`);
    return parsed.doc;
  });
}

function loadDocument(
  path: string,
  locale: Locale,
  what?: string
): ReturnType<typeof parseSheetDocument> & { ok: true } {
  const parsed = parseSheetDocument(readJson(path), templates(), locale);
  if (!parsed.ok) throw new CliExit(2, `${what ? `${what} ` : ""}${path}: ${parsed.error.message}`);
  return parsed;
}

export function runValidate(file: string, flags: ValidateFlags, io: CliIO): number {
  const locale: Locale = isLocale(flags.lang) ? flags.lang : "zh-CN";
  if (flags.phase !== "fill" && flags.phase !== "submit")
    throw new CliExit(2, `--phase must be fill or submit, not "${flags.phase}"`);
  let tier: Tier | null = null;
  if (flags.tier !== undefined) {
    const t = tierSchema.safeParse(flags.tier);
    if (!t.success)
      throw new CliExit(
        2,
        `--tier must be one of ${tierSchema.options.join(", ")}, not "${flags.tier}"`
      );
    tier = t.data;
  }
  const { doc, template } = loadDocument(file, locale);
  let previous: SheetDocument | null = null;
  if (flags.previous) previous = loadDocument(flags.previous, locale, TEXT[locale].prev).doc;

  const history = flags.history ? loadHistory(flags.history, locale) : null;

  const issues = validateParsed(template, doc, {
    phase: flags.phase as Phase,
    tier,
    previous,
    history,
    locale,
  });
  if (flags.json) io.out(JSON.stringify({ issues }));
  else io.out(humanReport(issues, doc, locale));
  return issues.some((i) => i.severity === "error") ? 1 : 0;
}

function humanReport(issues: Issue[], doc: SheetDocument, locale: Locale): string {
  const t = templates().get(doc.template, doc.templateVersion);
  const text = TEXT[locale];
  const errors = issues.filter((i) => i.severity === "error").length;
  const lines = [
    `${t?.def.shortName[locale] ?? doc.template} ${formatMonth(doc.period, locale)} ${doc.unit}: ${issues.length ? text.summary(errors, issues.length - errors) : text.none}`,
  ];
  const cells = new Map(doc.rows.map((r) => [r.key, r.cells]));
  for (const i of issues) {
    const col = t?.column.get(i.col);
    const where =
      i.row === "header"
        ? (HEADER_LABELS[i.col]?.[locale] ?? i.col)
        : `${t ? rowLabel(t, i.row, cells.get(i.row), locale) : i.row} / ${col ? columnTitle(col) : i.col}`;
    lines.push(`  ${text[i.severity]}  [${i.row}.${i.col}] ${where}: ${i.message}  (${i.rule})`);
  }
  return lines.join("\n");
}

export function registerValidate(program: Command, io: CliIO): void {
  program
    .command("validate")
    .description(
      "the issues of a sheet document (exit 1 on any error, 2 when the file is not a sheet document)"
    )
    .argument("<file>", "sheet document (.json)")
    .option(
      "--previous <file>",
      "the previous period's accepted document, for the cumulative check"
    )
    .option(
      "--history <file>",
      "a JSON array of the unit's stored documents of earlier periods, for history.outlier"
    )
    .option("--tier <tier>", "the submitting hospital's tier, e.g. public.g2")
    .option("--phase <phase>", "fill or submit", "submit")
    .option("--json", 'print exactly {"issues":[…]}')
    .option("--lang <locale>", "zh-CN or en-US", "zh-CN")
    .action((file: string, flags: ValidateFlags) => {
      io.setExitCode(runValidate(file, flags, io));
    });
}
