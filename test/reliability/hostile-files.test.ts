import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { layoutPlan } from "../../src/core/layout/plan";
import { templates } from "../../src/templates";
import { writeXlsx } from "../../src/xlsx/write";
import { runCommand } from "../helpers/cli";
import { lyingZipBomb, manyRows, rangeExpansion } from "../helpers/hostile-xlsx";

/**
 * Files nobody should send, given to `import xlsx` in a child process whose heap is capped at
 * 256 MB: each gets a clear one-line error and exit code 2 — no crash, no stack, nothing stored.
 */
const ROOT = join(__dirname, "..", "..");
const HEAP_MB = 256;
let dir: string;
let db: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tianbao-hostile-"));
  db = `sqlite:${join(dir, "t.sqlite")}`;
  const csv = join(dir, "units.csv");
  writeFileSync(
    csv,
    "code,name,kind,parent,ownership,grade\nCTY,示例县卫生健康局,bureau,,,\nH1,示例县人民医院,hospital,CTY,public,2\n"
  );
  expect((await runCommand(["units", "import", csv, "--db", db])).code).toBe(0);
});

function importFile(file: string): {
  status: number | null;
  signal: string | null;
  stderr: string;
  stdout: string;
} {
  const r = spawnSync(
    process.execPath,
    [
      `--max-old-space-size=${HEAP_MB}`,
      "--import",
      "tsx",
      "src/cli/index.ts",
      "import",
      "xlsx",
      file,
      "--unit",
      "H1",
      "--period",
      "2021-07",
      "--db",
      db,
    ],
    { cwd: ROOT, encoding: "utf8", timeout: 120_000 }
  );
  return { status: r.status, signal: r.signal, stderr: r.stderr, stdout: r.stdout };
}

async function blankTemplate(): Promise<Buffer> {
  const t = templates().get("stat-3")!;
  return writeXlsx(layoutPlan(t, { period: "2021-07", tier: "public.g2" }));
}

async function storedCount(): Promise<number> {
  const { openStore } = await import("../../src/server/db/connect");
  const store = await openStore(db);
  try {
    const r = await store.db
      .selectFrom("submissions")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  } finally {
    await store.close();
  }
}

const cases: [string, () => Promise<Buffer>, RegExp][] = [
  ["not an xlsx (text)", async () => Buffer.from("单位,警示教育\nH1,3\n"), /这不是 \.xlsx 文件/],
  [
    "an old .xls (OLE compound file)",
    async () => Buffer.concat([Buffer.from("d0cf11e0a1b11ae1", "hex"), Buffer.alloc(4096)]),
    /这不是 \.xlsx 文件.*\.xls/,
  ],
  ["a truncated .xlsx", async () => (await blankTemplate()).subarray(0, 3000), /不完整或已损坏/],
  [
    "a zip bomb (150 MB of zeros in 150 kB)",
    async () => {
      const zip = new JSZip();
      zip.file("[Content_Types].xml", "<Types/>");
      zip.file("xl/worksheets/sheet1.xml", Buffer.alloc(150 * 2 ** 20));
      return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
    },
    /文件解压后超过 16 MB/,
  ],
  [
    "a lying zip bomb (says 4,000 bytes, inflates to 1.5 GB)",
    () => lyingZipBomb(1536 * 2 ** 20),
    /压缩包中“xl\/worksheets\/sheet1\.xml”声明解压后为 4000 字节，实际更大/,
  ],
  [
    "a sheet of 200,000 rows",
    async () => {
      const file = join(dir, "rows.xlsx");
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
        filename: file,
        useSharedStrings: false,
      });
      const ws = wb.addWorksheet("表三");
      for (let r = 0; r < 200_000; r++)
        ws.addRow(Array.from({ length: 14 }, (_, c) => r * 14 + c)).commit();
      await wb.commit();
      const { readFileSync } = await import("node:fs");
      return readFileSync(file);
    },
    /文件解压后超过 16 MB/,
  ],
  [
    "a sheet of 6,000 short rows",
    () => manyRows(6000),
    /工作表有 6001 行，超过统计表最多的 5000 行/,
  ],
  [
    "a validation over A1:XFD1048576 beside a 15 MB inline string (25 kB on the wire)",
    () => rangeExpansion("validation", "A1:XFD1048576", true),
    /工作表“表三 2021-07”的数据验证范围 A1:XFD1048576 超出了表格的使用区域 A1:R20/,
  ],
  [
    "a conditional format over A1:XFD1048576",
    () => rangeExpansion("conditional-format", "A1:XFD1048576"),
    /工作表“表三 2021-07”的条件格式范围 A1:XFD1048576 超出了表格的使用区域 A1:Q20/,
  ],
  [
    "a merge over T1:XFD1048576",
    () => rangeExpansion("merge", "T1:XFD1048576"),
    /工作表“表三 2021-07”的合并单元格范围 T1:XFD1048576 超出了表格的使用区域 A1:Q20/,
  ],
  [
    "a file of another month",
    async () => writeXlsx(layoutPlan(templates().get("stat-3")!, { period: "2021-10" })),
    /这是表三 2021年10月的文件，但您选择的是 2021年7月/,
  ],
];

it.each(cases)(
  "%s: a clear error, exit 2, no crash, nothing stored",
  async (_name, make, message) => {
    const file = join(dir, `${_name.replace(/\W+/g, "-")}.xlsx`);
    writeFileSync(file, await make());
    const r = importFile(file);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1); // one clear line, no stack trace
    expect(r.stdout).toBe("");
    expect(await storedCount()).toBe(0);
  },
  180_000
);

it("input cells holding formulas: refused with cell.formula on each, exit 1, nothing stored", async () => {
  const t = templates().get("stat-3")!;
  const plan = layoutPlan(t, { period: "2021-07", tier: "public.g2" });
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await blankTemplate()) as unknown as ArrayBuffer);
  const ws = wb.worksheets.find((w) => w.state === "visible")!;
  const row = plan.rowIndex["public.g2"]! + 1;
  for (let k = 1; k <= 13; k++) ws.getCell(row, plan.colIndex[`c${k}`]! + 1).value = 0;
  ws.getCell(row, plan.colIndex.c2! + 1).value = { formula: "0*1", result: 85 };
  const file = join(dir, "formula.xlsx");
  writeFileSync(file, Buffer.from(await wb.xlsx.writeBuffer()));
  const r = importFile(file);
  expect([r.signal, r.status, r.stdout]).toEqual([null, 1, ""]);
  expect(r.stderr).toMatch(/\[public\.g2\.c2\] 输入单元格不能含公式，请直接填写数值/);
  expect(await storedCount()).toBe(0);
}, 180_000);
