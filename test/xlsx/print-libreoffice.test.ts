import { readFileSync } from "node:fs";
import { join } from "node:path";
import { layoutPlan, listRowsOf } from "../../src/core/layout/plan";
import type { LayoutPlan } from "../../src/core/layout/types";
import type { SheetDocument } from "../../src/core/schema/document";
import { templates } from "../../src/templates";
import { writeXlsx } from "../../src/xlsx/write";
import { brokenBrackets, printXlsx, type PrintedPage } from "../helpers/pdf";

const reg = templates();

/** stat-1 of a county with 60 units, every count filled. */
function stat1With60Units(): SheetDocument {
  const t = reg.get("stat-1")!;
  return {
    template: "stat-1",
    templateVersion: t.version,
    period: "2021-07",
    unit: "CTY",
    header: { reportingUnit: "示例县卫生健康局", preparer: "李某", phone: "0772-6815093" },
    rows: Array.from({ length: 60 }, (_, i) => ({
      key: `U${i + 1}`,
      cells: {
        name: `示例县第${i + 1}卫生院`,
        ...Object.fromEntries(
          t.columns.filter((c) => c.numeric).map((c, j) => [c.key, ((i + 1) * (j + 3)) % 17])
        ),
      },
    })),
  };
}

const ledgerSeed = (): SheetDocument =>
  (
    JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "ledger-seed-004.json"), "utf8")) as {
      document: SheetDocument;
    }
  ).document;

interface Printed {
  plan: LayoutPlan;
  pages: PrintedPage[];
}

async function print(id: string, doc: SheetDocument | null): Promise<Printed> {
  const t = reg.get(id)!;
  const plan = layoutPlan(t, {
    period: doc?.period ?? "2021-07",
    listRows: doc ? listRowsOf(t, doc) : undefined,
  });
  return { plan, pages: printXlsx(await writeXlsx(plan, { doc }), id).pages };
}

/** The printed lines of the column header: after 填报单位's line, before the first body row. */
function headerLines(page: PrintedPage, firstBodyText: string): string[] {
  const start = page.lines.findIndex((l) => l.includes("填报单位"));
  const end = page.lines.findIndex((l, i) => i > start && l.includes(firstBodyText));
  expect(start).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start + 1);
  return page.lines.slice(start + 1, end);
}

const CASES: [string, () => SheetDocument | null, string, string][] = [
  ["stat-1", stat1With60Units, "合计", "附件1"],
  ["stat-2", () => null, "总计", "附件2"],
  ["stat-3", () => null, "合计", "附件3"],
  ["ledger", ledgerSeed, "乱收行为", "附表"],
];

describe("printing every template with LibreOffice", () => {
  const printed = new Map<string, Printed>();
  beforeAll(async () => {
    for (const [id, doc] of CASES) printed.set(id, await print(id, doc()));
  }, 600000);

  it.each(CASES)(
    "%s: A4 landscape pages, the seed's label above the title, no header word broken inside its brackets",
    (id, _doc, firstBody, label) => {
      const { plan, pages } = printed.get(id)!;
      for (const p of pages) {
        expect(p.width).toBeCloseTo(841.89, 0);
        expect(p.height).toBeCloseTo(595.28, 0);
      }
      const first = pages[0]!.lines.filter((l) => l.trim());
      expect(first[0]!.trim()).toBe(label);
      expect(first[1]!.replace(/\s/g, "")).toBe(plan.title);
      const header = headerLines(pages[0]!, firstBody);
      expect(header.flatMap(brokenBrackets)).toEqual([]);
      // Each bracketed unit of the column labels is printed whole somewhere in the header.
      const text = header.join("\n");
      for (const col of reg.get(id)!.columns)
        for (const unit of col.label.match(/（[^）]*）/g) ?? []) expect(text).toContain(unit);
    }
  );

  it.each([
    ["stat-1", "合计"],
    ["ledger", "乱收行为"],
  ])(
    "%s runs to several pages, one page wide, its column header repeated on each",
    (id, firstBody) => {
      const { pages } = printed.get(id)!;
      expect(pages.length).toBeGreaterThanOrEqual(2);
      const words = headerLines(pages[0]!, firstBody)
        .flatMap((l) => l.split(/\s+/))
        .filter(Boolean);
      // Page 1's header words include the last column's: every page shows the whole width.
      for (const p of pages.slice(1)) {
        const top = p.lines.slice(0, 12).join("\n");
        for (const w of words) expect(top).toContain(w);
      }
    }
  );

  it("the blank stat-3 prints no 0: its subtotals stay blank", () => {
    const { pages } = printed.get("stat-3")!;
    expect(pages).toHaveLength(1);
    const zeros = pages[0]!.lines.flatMap((l) =>
      l.split(/\s+/).filter((w) => /^0(\.0+)?$/.test(w))
    );
    expect(zeros).toEqual([]);
  });
});
