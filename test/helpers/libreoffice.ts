import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

export function recalcToCsv(xlsx: Buffer, name = "sheet"): string[][] {
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
      "csv:Text - txt - csv (StarCalc):44,34,76,1",
      "--outdir",
      dir,
      file,
    ],
    { stdio: "pipe", timeout: 120000 }
  );
  return parseCsv(readFileSync(join(dir, `${name}.csv`), "utf8"));
}

export const parseCsv = (text: string): string[][] =>
  csvRows(text.replace(/\r?\n$/, ""), { keepEmpty: true }).map((r) => r.fields);
