import { parsePeriod } from "../core/periods";
import type { CompiledTemplate } from "../core/template/compile";
import { periodTitle, reportTitle } from "../core/template/labels";
import type { TemplateRegistry } from "../core/template/registry";

/**
 * What a file says it is, against what the user asked for. Our own files carry their table,
 * month and unit in the hidden binding sheet; others only their title's table and year.
 */
export interface FileFound {
  template?: string;
  /** YYYY-MM, from our binding sheet. */
  period?: string;
  /** The unit code the file was made for, from our binding sheet. */
  unit?: string;
  /** The year printed in the title, when the file carries no month. */
  year?: number;
}

interface Asked {
  templates: TemplateRegistry;
  unit: { code: string; name: string };
  period: string;
  template?: string;
  unitCodeByName?: Map<string, string>;
}

export interface FileMismatch {
  ok: false;
  error: "file-mismatch";
  message: string;
  expected: { template: string; period: string; unit: string };
  found: FileFound;
}

/** The file-mismatch refusal, or null when the file is what was asked for. */
export function fileMismatch(
  t: CompiledTemplate,
  found: FileFound,
  asked: Asked
): FileMismatch | null {
  const expected = {
    template: asked.template ?? t.id,
    period: asked.period,
    unit: asked.unit.code,
  };
  const otherTable = found.template !== undefined && found.template !== expected.template;
  const otherMonth = found.period !== undefined && found.period !== expected.period;
  const otherYear =
    found.period === undefined &&
    found.year !== undefined &&
    found.year !== parsePeriod(expected.period).year;
  const otherUnit = found.unit !== undefined && found.unit !== expected.unit;
  if (!otherTable && !otherMonth && !otherYear && !otherUnit) return null;

  const what = found.period
    ? reportTitle(t.def, found.period)
    : found.year
      ? `${t.def.shortName["zh-CN"]} ${found.year}年`
      : t.def.shortName["zh-CN"];
  let message: string;
  if (otherUnit) {
    const name = [...(asked.unitCodeByName ?? [])].find(([, code]) => code === found.unit)?.[0];
    message = `这是${name ?? "另一个单位"}的${what}文件，但您报送的单位是${asked.unit.name}，请上传本单位下载的文件`;
  } else {
    const chosen = asked.templates.get(expected.template);
    const wanted =
      otherTable && chosen
        ? reportTitle(chosen.def, expected.period)
        : periodTitle(expected.period);
    message = `这是${what}的文件，但您选择的是 ${wanted}`;
  }
  return { ok: false, error: "file-mismatch", message, expected, found };
}
