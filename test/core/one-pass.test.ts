import fc from "fast-check";
import type { SheetDocument } from "../../src/core/schema/document";
import { parseSheetDocument, validateDocument } from "../../src/core/validate/document";
import { templates } from "../../src/templates";

/**
 * The parse walks a document's rows once and the engine keeps its rows' states in arrays reused
 * from one validation to the next (docs/benchmarks.md): neither may change an answer.
 */
const reg = templates();
const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

/** The parse's refusals as the checks one after another give them: what the single pass must answer. */
function refusalInOrder(input: {
  template: string;
  templateVersion: number;
  rows: unknown[];
}): { code: string; path: string } | null {
  for (const [i, row] of input.rows.entries()) {
    if (typeof row !== "object" || row === null || Array.isArray(row))
      return { code: "not-a-document", path: `rows.${i}` };
    const { key, cells } = row as { key?: unknown; cells?: unknown };
    if (typeof key !== "string" || key.length < 1 || key.length > 128)
      return { code: "not-a-document", path: `rows.${i}.key` };
    if (typeof cells !== "object" || cells === null || Array.isArray(cells))
      return { code: "not-a-document", path: `rows.${i}.cells` };
  }
  if (!reg.get(input.template)) return { code: "unknown-template", path: "template" };
  const t = reg.get(input.template, input.templateVersion);
  if (!t) return { code: "unknown-template-version", path: "templateVersion" };
  const seen = new Set<string>();
  for (const [i, row] of (input.rows as { key: string; cells: object }[]).entries()) {
    if (seen.has(row.key)) return { code: "bad-structure", path: `rows.${i}.key` };
    seen.add(row.key);
    if (t.def.rowMode === "fixed" && !t.row.has(row.key))
      return { code: "bad-structure", path: `rows.${i}.key` };
    for (const col of Object.keys(row.cells))
      if (!t.column.has(col)) return { code: "bad-structure", path: `rows.${i}.cells.${col}` };
  }
  return null;
}

const row = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      key: fc.constantFrom("U1", "U2", "total", "public.g2", "x"),
      cells: fc.dictionary(fc.constantFrom("c1", "c2", "name", "zz"), fc.nat(9), { maxKeys: 2 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      null,
      3,
      [],
      { key: "", cells: {} },
      { key: "U9" },
      { key: "U9", cells: [] }
    ),
  }
);

describe("the parse in one pass over the rows", () => {
  it("answers as the checks one after another do: a malformed row, then the template, then the first refused row", () => {
    fc.assert(
      fc.property(
        fc.record({
          template: fc.constantFrom("stat-1", "stat-3", "nope"),
          templateVersion: fc.constantFrom(1, 2),
          rows: fc.array(row, { maxLength: 8 }),
        }),
        (input) => {
          const doc = { ...input, period: "2021-07", unit: "U", header: {} };
          const r = parseSheetDocument(doc, reg);
          const expected = refusalInOrder(input);
          if (expected === null) {
            expect(r.ok).toBe(true);
            if (r.ok) {
              expect(r.doc.rows).toEqual(input.rows);
              // The document handed on does not share its list of rows with the input.
              expect(r.doc.rows).not.toBe(input.rows);
            }
          } else expect(r.ok ? null : { code: r.error.code, path: r.error.path }).toEqual(expected);
        }
      ),
      { numRuns: RUNS * 5 }
    );
  });
});

const unitRows = (n: number, dupAt: number): SheetDocument["rows"] =>
  Array.from({ length: n }, (_, i) => ({
    key: `U${i}`,
    cells: {
      name: `单位${i === dupAt ? 0 : i}`,
      c1: i % 5,
      c2: i % 7, // above c1 on some rows: stat-1.c2-le-c1
      c6: 1,
      c7: i % 3 === 0 ? "x" : 1,
    },
  }));

const list = (n: number, dupAt: number): SheetDocument => ({
  template: "stat-1",
  templateVersion: 1,
  period: "2021-07",
  unit: "U",
  header: { reportingUnit: "甲", preparer: "乙", phone: "0772-6815093" },
  rows: unitRows(n, dupAt),
});

const hospital: SheetDocument = {
  template: "stat-3",
  templateVersion: 1,
  period: "2021-07",
  unit: "H1",
  header: {},
  rows: [
    { key: "public.g2", cells: { c1: 3, c2: 9, c3: "x" } },
    { key: "private.g1", cells: { c1: 1 } },
  ],
};

describe("the engine's reused row states", () => {
  it("give every document the issues it has on its own, whatever was validated before it", () => {
    const docs = [list(1200, 1199), hospital, list(7, 3), list(40, 39), hospital];
    const alone = docs.map((d) => JSON.stringify(validateDocument(d, reg, { phase: "submit" })));
    // Shuffled orders: large before small, a fixed table between two lists.
    fc.assert(
      fc.property(fc.array(fc.nat(docs.length - 1), { minLength: 2, maxLength: 6 }), (order) => {
        for (const i of order)
          expect(JSON.stringify(validateDocument(docs[i]!, reg, { phase: "submit" }))).toBe(
            alone[i]
          );
      }),
      { numRuns: 15 }
    );
    // Not vacuous: the large list has duplicates, rule and type issues on its last rows.
    const large = validateDocument(docs[0]!, reg, { phase: "submit" });
    expect(large.ok && large.issues.map((i) => i.rule)).toEqual(
      expect.arrayContaining(["stat-1.name-unique", "stat-1.c2-le-c1", "cell.type"])
    );
  });
});
