import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { csvRows } from "../../src/cli/commands/server";

/**
 * Opens an .xlsx in LibreOffice headless, recalculating every formula (the profile sets
 * OOXMLRecalcMode 0: LibreOffice otherwise trusts cached values), and returns the first sheet as CSV rows.
 */
const PROFILE_XCU = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
`;

export function sofficePath(): string {
  for (const p of ["/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice"]) {
    try {
      execFileSync(p, ["--version"], { stdio: "ignore", timeout: 60000 });
      return p;
    } catch {
      /* try the next */
    }
  }
  throw new Error(
    "LibreOffice (soffice) is not installed: apt-get install -y libreoffice-calc-nogui (.ci/run does this)"
  );
}

/**
 * Converts an .xlsx with LibreOffice headless (formulas recalculated by the profile) into another
 * format, e.g. "pdf" or a CSV filter; returns the path of the converted file.
 */
export function convertXlsx(xlsx: Buffer, target: string, name = "sheet"): string {
  const dir = mkdtempSync(join(tmpdir(), "tianbao-lo-"));
  const profile = join(dir, "profile");
  mkdirSync(join(profile, "user"), { recursive: true });
  writeFileSync(join(profile, "user", "registrymodifications.xcu"), PROFILE_XCU);
  const file = join(dir, `${name}.xlsx`);
  writeFileSync(file, xlsx);
  execFileSync(
    sofficePath(),
    [
      `-env:UserInstallation=file://${profile}`,
      "--headless",
      "--norestore",
      "--convert-to",
      target,
      "--outdir",
      dir,
      file,
    ],
    { stdio: "pipe", timeout: 120000 }
  );
  return join(dir, `${name}.${target.split(":")[0]}`);
}

export function recalcToCsv(xlsx: Buffer, name = "sheet"): string[][] {
  const csv = convertXlsx(xlsx, "csv:Text - txt - csv (StarCalc):44,34,76,1", name);
  return parseCsv(readFileSync(csv, "utf8"));
}

export const parseCsv = (text: string): string[][] =>
  csvRows(text.replace(/\r?\n$/, ""), { keepEmpty: true }).map((r) => r.fields);

/**
 * Prints an .xlsx to PDF in LibreOffice (formulas recalculated, conditional formats applied as
 * they would print) and counts the pixels of its first page that have the given colour.
 */
export function printedPixelsOfColor(
  xlsx: Buffer,
  rgb: [number, number, number],
  tolerance = 6
): number {
  const pdf = convertXlsx(xlsx, "pdf");
  const dir = dirname(pdf);
  execFileSync("pdftoppm", ["-r", "60", "-f", "1", "-l", "1", pdf, join(dir, "page")], {
    stdio: "pipe",
    timeout: 60000,
  });
  const ppm = readFileSync(join(dir, "page-1.ppm"));
  // P6 header: magic, width, height, max value, each followed by whitespace.
  const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.subarray(0, 64).toString("latin1"))!;
  let offset = header[0].length;
  let n = 0;
  for (; offset + 2 < ppm.length; offset += 3)
    if (
      Math.abs(ppm[offset]! - rgb[0]) <= tolerance &&
      Math.abs(ppm[offset + 1]! - rgb[1]) <= tolerance &&
      Math.abs(ppm[offset + 2]! - rgb[2]) <= tolerance
    )
      n++;
  return n;
}
