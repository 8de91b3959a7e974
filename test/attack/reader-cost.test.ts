import JSZip from "jszip";
import { layoutPlan } from "../../src/core/layout/plan";
import { templates } from "../../src/templates";
import { readXlsx } from "../../src/xlsx/read";
import { XlsxReadPool } from "../../src/xlsx/read-pool";
import { columnLetters } from "../../src/xlsx/range-scan";
import { writeXlsx } from "../../src/xlsx/write";
const Range = require("exceljs/lib/doc/range") as { prototype: { intersects(): boolean } };

/**
 * Files inside every limit docs/uploads.md lists that still cost a reader its whole heap or its
 * whole minute: the scan bounds rows, cells and the cells ranges cover, not the work exceljs and
 * the table reader do with them.
 */
const SHEET = "xl/worksheets/sheet1.xml";
const blank = () =>
  writeXlsx(layoutPlan(templates().get("stat-3")!, { period: "2021-07", tier: "public.g2" }));

async function edited(edit: (xml: string) => string): Promise<Buffer> {
  const zip = await JSZip.loadAsync(await blank());
  zip.file(SHEET, edit(await zip.file(SHEET)!.async("string")));
  return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
}

const OUT_OF_MEMORY = "文件过大，读取时超出了内存限制，一张统计表不需要这么大";

describe("files within the documented limits", () => {
  it("one text cell at GR5000 (row 5,000, column 200; 13.7 kB) is read or refused by the scan, not by running a reader out of memory", async () => {
    // The table reader asks exceljs for every cell of min(rows, 5000) × min(columns, 200):
    // a million cell objects, past a reader's 192 MB heap.
    const file = await edited((s) =>
      s.replace(
        "</sheetData>",
        '<row r="5000"><c r="GR5000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
      )
    );
    const pool = new XlsxReadPool(templates(), { workers: 1 });
    try {
      const answer = await pool.read({
        file,
        unit: { code: "H1", name: "示例县人民医院" },
        period: "2021-07",
        unitCodeByName: [],
      });
      expect(answer.ok ? "read" : JSON.stringify(answer)).not.toContain(OUT_OF_MEMORY);
    } finally {
      await pool.close();
    }
  }, 120_000);

  it("n two-cell merges cost work in proportion to n, not n² (exceljs compares each merge with every earlier one)", async () => {
    // 40,000 such merges (80,000 cells, under the 200,000 the scan allows; a 147 kB file) hold a
    // reader for its whole 60 s. Counted here on 2,000 merges.
    const n = 2000;
    const merges: string[] = [];
    for (let r = 21; merges.length < n; r += 2)
      for (let c = 1; c <= 17 && merges.length < n; c++)
        merges.push(`<mergeCell ref="${columnLetters(c)}${r}:${columnLetters(c)}${r + 1}"/>`);
    const file = await edited((s) =>
      s
        .replace("</sheetData>", '<row r="5000"><c r="Q5000"/></row></sheetData>')
        .replace(/<mergeCells count="(\d+)">/, (_m, k: string) => {
          return `<mergeCells count="${Number(k) + n}">${merges.join("")}`;
        })
    );
    const spy = jest.spyOn(Range.prototype, "intersects");
    try {
      const read = await readXlsx(file, {
        templates: templates(),
        unit: { code: "H1", name: "示例县人民医院" },
        period: "2021-07",
        unitCodeByName: new Map(),
      });
      expect(read.ok || ("message" in read && read.message)).toBeTruthy();
      expect(spy.mock.calls.length).toBeLessThanOrEqual(50 * n);
    } finally {
      spy.mockRestore();
    }
  }, 120_000);
  it("eleven sheets each under a sheet's bound (190,000 cells) are refused by the scan, before a reader runs out of memory", async () => {
    const zip = await JSZip.loadAsync(await blank());
    const row = (r: number) =>
      `<row r="${r}">${Array.from({ length: 19 }, (_, c) => `<c r="${columnLetters(c + 1)}${r}"/>`).join("")}</row>`;
    const big = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${Array.from({ length: 5000 }, (_, i) => row(i + 1)).join("")}</sheetData></worksheet>`;
    for (let i = 0; i < 11; i++) zip.file(`xl/worksheets/extra${i}.xml`, big);
    const file = await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
    const read = await readXlsx(file, {
      templates: templates(),
      unit: { code: "H1", name: "示例县人民医院" },
      period: "2021-07",
      unitCodeByName: new Map(),
    });
    expect(read).toMatchObject({
      ok: false,
      message: expect.stringMatching(
        /^文件的各工作表共有 \d+ 个以上单元格，超过统计表最多的 400000 个/
      ),
    });
  });
});
