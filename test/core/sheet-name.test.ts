import { legalSheetName, SHEET_NAME_MAX } from "../../src/core/layout/sheet-name";

/** What Excel refuses in a worksheet name (and what exceljs refuses when writing one). */
function expectLegal(name: string): void {
  expect(name.length).toBeGreaterThan(0);
  expect(name.length).toBeLessThanOrEqual(SHEET_NAME_MAX);
  expect(name).not.toMatch(/[\\/?*[\]:]/);
  expect(name).not.toMatch(/^'|'$/);
  expect(name.toLowerCase()).not.toBe("history");
  // No half of a surrogate pair left at a cut.
  expect(name).not.toMatch(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
  );
  // Nothing XML cannot carry.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for
  expect(name).not.toMatch(/[\u0000-\u001F\uFFFE\uFFFF]/);
}

describe("legal worksheet names", () => {
  it("keeps a legal name as it is", () => {
    expect(legalSheetName("表三 2021-07")).toBe("表三 2021-07");
  });

  it.each([
    ["健康扶贫表（2026/2027） 2026-01", "健康扶贫表（2026／2027） 2026-01"],
    ["a\\b?c*d[e]f:g", "a＼b？c＊d［e］f：g"],
    // Excel allows a quote inside, but exceljs writes it undoubled into the print titles' name.
    ["'引号表 2021-06", "’引号表 2021-06"],
    ["It's 2021-06'", "It’s 2021-06’"],
  ])("%s → %s: the forbidden characters become their full-width look-alikes", (wanted, legal) => {
    expect(legalSheetName(wanted)).toBe(legal);
    expectLegal(legalSheetName(wanted));
  });

  it("cuts a long name at 31 characters, never inside a character outside the BMP", () => {
    const long = "健康扶贫领域腐败和作风问题专项治理自查整改情况统计表 2026-01";
    expect(legalSheetName(long)).toBe(long.slice(0, 31));
    const emoji = `${"表".repeat(30)}😀尾`;
    expect(legalSheetName(emoji)).toBe("表".repeat(30));
    expectLegal(legalSheetName(emoji));
  });

  it("gives an empty or blank name a name, and drops control characters", () => {
    expect(legalSheetName("")).toBe("Sheet");
    expect(legalSheetName("   ")).toBe("Sheet");
    expect(legalSheetName("a\u0000b\tc")).toBe("a b c");
    for (const n of ["", " ", "\u0000", "\uD800x"]) expectLegal(legalSheetName(n));
  });

  it("never answers the reserved History, in any case", () => {
    expect(legalSheetName("History")).toBe("History (2)");
    expect(legalSheetName("history")).toBe("history (2)");
  });

  it("is unique in the workbook, case-insensitively, and still at most 31 characters", () => {
    expect(legalSheetName("表三 2021-07", ["表三 2021-07"])).toBe("表三 2021-07 (2)");
    expect(legalSheetName("Sheet", ["SHEET", "sheet (2)"])).toBe("Sheet (3)");
    expect(legalSheetName("a/b", ["a／b"])).toBe("a／b (2)");
    const long = "长".repeat(40);
    const taken = [long.slice(0, 31)];
    const second = legalSheetName(long, taken);
    expect(second).toBe(`${"长".repeat(27)} (2)`);
    expectLegal(second);
    expect(legalSheetName(long, [...taken, second])).toBe(`${"长".repeat(27)} (3)`);
  });

  it("every string of the characters Excel refuses still gives a legal, unique name", () => {
    const alphabet = ["'", "/", "\\", "?", "*", "[", "]", ":", " ", "表", "😀", "H", "\u0001"];
    const taken: string[] = [];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 400; i++) {
      const wanted = Array.from({ length: next() % 40 }, () => alphabet[next() % alphabet.length]);
      const name = legalSheetName(wanted.join(""), taken);
      expectLegal(name);
      expect(taken.map((t) => t.toLowerCase())).not.toContain(name.toLowerCase());
      taken.push(name);
    }
  });
});
