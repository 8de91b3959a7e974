import { execFileSync } from "node:child_process";
import { convertXlsx } from "./libreoffice";

export interface PrintedPage {
  /** In points; A4 landscape is 841.89 × 595.28. */
  width: number;
  height: number;
  /** The page's text as `pdftotext -layout` places it: one line per printed line. */
  lines: string[];
}

/** Prints an .xlsx with LibreOffice (formulas recalculated) and reads each page's size and text. */
export function printXlsx(xlsx: Buffer, name = "sheet"): { pdf: string; pages: PrintedPage[] } {
  const pdf = convertXlsx(xlsx, "pdf", name);
  const info = execFileSync("pdfinfo", ["-f", "1", "-l", "999", pdf], { encoding: "utf8" });
  const sizes = [...info.matchAll(/^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/gm)].map((m) => ({
    width: Number(m[1]),
    height: Number(m[2]),
  }));
  const text = execFileSync("pdftotext", ["-layout", "-enc", "UTF-8", pdf, "-"], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const pages = text.split("\f").slice(0, sizes.length);
  return {
    pdf,
    pages: sizes.map((s, i) => ({ ...s, lines: (pages[i] ?? "").split("\n") })),
  };
}

/** Brackets opened and not closed on the same printed line, or closed without being opened. */
export function brokenBrackets(line: string): string[] {
  const broken: string[] = [];
  for (const token of line.split(/\s+/).filter(Boolean)) {
    let depth = 0;
    for (const ch of token) {
      if (ch === "（" || ch === "(") depth++;
      else if (ch === "）" || ch === ")") depth--;
      if (depth < 0) break;
    }
    if (depth !== 0) broken.push(token);
  }
  return broken;
}
