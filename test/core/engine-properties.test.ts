import fc from "fast-check";
import { cellKey, computeCells, withComputedCells } from "../../src/core/computed";
import type { SheetDocument } from "../../src/core/schema/document";
import { fastEnvelope, validateDocument } from "../../src/core/validate/document";
import { sheetDocumentEnvelopeSchema } from "../../src/core/schema/document";
import { validateParsed } from "../../src/core/validate/engine";
import { templates } from "../../src/templates";

const reg = templates();
const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

const count = fc.integer({ min: 0, max: 100000 });
const amount = fc.integer({ min: 0, max: 10000000 }).map((c) => c / 100);

function validDoc(id: "stat-1" | "stat-2" | "stat-3"): fc.Arbitrary<SheetDocument> {
  const t = reg.get(id)!;
  const cols = t.columns.filter((c) => c.numeric && !c.computed);
  const row = fc
    .tuple(...cols.map((c) => (c.type === "amount" ? amount : count)))
    .map((vals) => Object.fromEntries(cols.map((c, i) => [c.key, vals[i]])));
  const keys =
    id === "stat-1"
      ? fc.uniqueArray(fc.stringMatching(/^[A-Z]{2}\d{2}$/), { minLength: 0, maxLength: 12 })
      : fc.constant(t.inputRowKeys);
  return keys.chain((ks) =>
    fc.array(row, { minLength: ks.length, maxLength: ks.length }).map((rows) => ({
      template: id,
      templateVersion: 1,
      period: "2021-07",
      unit: "U",
      header: {},
      rows: rows.map((cells, i) => ({ key: ks[i]!, cells })),
    }))
  );
}

describe("subtotals", () => {
  it.each(["stat-2", "stat-3"] as const)(
    "%s: every subtotal equals the sum of its parts, for any input",
    (id) => {
      const t = reg.get(id)!;
      fc.assert(
        fc.property(validDoc(id), (doc) => {
          const cells = new Map(doc.rows.map((r) => [r.key, r.cells]));
          const v = computeCells(t, [], (r, c) => (cells.get(r)?.[c] as number | undefined) ?? 0);
          const get = (r: string, c: string): number =>
            v.has(cellKey(r, c))
              ? v.get(cellKey(r, c))!
              : ((cells.get(r)?.[c] as number | undefined) ?? 0);
          for (const col of t.columns.filter((c) => c.numeric)) {
            const k = col.key;
            const sum = (...rows: string[]) => rows.reduce((s, r) => s + get(r, k), 0);
            expect(get("public", k)).toBeCloseTo(sum("public.g3", "public.g2", "public.g1"), 6);
            expect(get("private", k)).toBeCloseTo(sum("private.g3", "private.g2", "private.g1"), 6);
            expect(get("all", k)).toBeCloseTo(
              sum("public.g3", "public.g2", "public.g1", "private.g3", "private.g2", "private.g1"),
              6
            );
          }
          if (id === "stat-2") {
            for (const r of t.inputRowKeys)
              expect(get(r, "c11")).toBeCloseTo(get(r, "c12") + get(r, "c13") + get(r, "c14"), 6);
          }
        }),
        { numRuns: RUNS }
      );
    }
  );

  it("stat-1: 合计 is the sum of the unit rows, for any number of units", () => {
    const t = reg.get("stat-1")!;
    fc.assert(
      fc.property(validDoc("stat-1"), (doc) => {
        const filled = withComputedCells(t, doc);
        const total = filled.rows.find((r) => r.key === "total")!;
        expect(total.cells.name).toBe("合计");
        for (let i = 1; i <= 11; i++) {
          const k = `c${i}`;
          expect(total.cells[k]).toBe(doc.rows.reduce((s, r) => s + (r.cells[k] as number), 0));
        }
      }),
      { numRuns: RUNS }
    );
  });

  it.each(["stat-1", "stat-2", "stat-3"] as const)(
    "%s: a document carrying its computed cells raises no computed.mismatch",
    (id) => {
      const t = reg.get(id)!;
      fc.assert(
        fc.property(validDoc(id), (doc) => {
          const issues = validateParsed(t, withComputedCells(t, doc), { phase: "fill" });
          expect(issues.filter((i) => i.rule === "computed.mismatch")).toEqual([]);
        }),
        { numRuns: RUNS }
      );
    }
  );
});

/** withComputedCells as first written (a cell key per computed cell, split again): the reference. */
function withComputedCellsReference(
  t: NonNullable<ReturnType<typeof reg.get>>,
  doc: SheetDocument
): SheetDocument {
  const cells = new Map(doc.rows.map((r) => [r.key, r.cells]));
  const listRows =
    t.def.rowMode === "list" ? doc.rows.filter((r) => !t.row.has(r.key)).map((r) => r.key) : [];
  const computed = computeCells(t, listRows, (row, col) => {
    const v = (cells.get(row) as Record<string, unknown> | undefined)?.[col];
    if (v === undefined || v === null || v === "") return 0;
    return typeof v === "number" && Number.isFinite(v) ? v : null;
  });
  const out = new Map<string, Record<string, unknown>>();
  for (const r of doc.rows) out.set(r.key, { ...r.cells });
  for (const [key, value] of computed) {
    if (value === null) continue;
    const [row, col] = key.split("\u0000") as [string, string];
    const target = out.get(row) ?? {};
    target[col] = value;
    out.set(row, target);
  }
  const order = [...t.rows.map((r) => r.key), ...doc.rows.map((r) => r.key)].filter(
    (k, i, a) => a.indexOf(k) === i && out.has(k)
  );
  const rows = order.map((key) => {
    const fixed = t.row.get(key)?.fixedCells ?? {};
    return { key, cells: { ...fixed, ...out.get(key)! } } as SheetDocument["rows"][number];
  });
  return { ...doc, rows };
}

describe("withComputedCells", () => {
  it.each(["stat-1", "stat-2", "stat-3"] as const)(
    "%s: the same document, key for key and in the same order, as its first form, whatever the cells",
    (id) => {
      const t = reg.get(id)!;
      const value = fc.oneof(
        count,
        amount,
        fc.constant(""),
        fc.constant(null),
        fc.string({ maxLength: 3 }),
        fc.constant(Number.NaN)
      );
      const colKeys = [...t.columns.map((c) => c.key), "x"];
      const rowKeys = [...t.rows.map((r) => r.key), "AB12", "CD34"];
      const row = fc.record({
        key: fc.constantFrom(...rowKeys),
        cells: fc.dictionary(fc.constantFrom(...colKeys), value, { maxKeys: 8 }),
      });
      fc.assert(
        fc.property(fc.array(row, { maxLength: 12 }), (rows) => {
          const doc = {
            template: id,
            templateVersion: t.def.version,
            unit: "H1",
            period: "2021-07",
            rows,
          } as unknown as SheetDocument;
          expect(JSON.stringify(withComputedCells(t, doc))).toBe(
            JSON.stringify(withComputedCellsReference(t, doc))
          );
        }),
        { numRuns: RUNS }
      );
    }
  );
});

describe("the engine never throws", () => {
  it("on a cell holding an object with no usable toString (found by the property below): cell.type", () => {
    const doc = {
      template: "stat-1",
      templateVersion: 1,
      period: "2021-01",
      unit: "U",
      header: {},
      rows: [{ key: "U", cells: { name: "甲", c1: { toString: null }, c2: { valueOf: null } } }],
    };
    const r = validateDocument(JSON.parse(JSON.stringify(doc)), reg, { phase: "fill" });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.issues.map((i) => `${i.rule}@${i.row}.${i.col}`).sort()).toEqual([
      "cell.type@U.c1",
      "cell.type@U.c2",
    ]);
  });

  it("on any JSON value given as a document: a non-document is a clear error", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const r = validateDocument(value, reg);
        if (!r.ok) {
          expect(r.error.message.length).toBeGreaterThan(0);
          expect(typeof r.error.path).toBe("string");
        }
      }),
      { numRuns: RUNS * 5 }
    );
  });

  const anyCells = fc.dictionary(
    fc.constantFrom("c1", "c2", "c3", "c8", "c9", "c10", "c11", "c12", "c13", "c14", "name"),
    fc.jsonValue({ maxDepth: 2 }),
    { maxKeys: 8 }
  );
  const anyDoc = fc.record({
    template: fc.constantFrom("stat-1", "stat-2", "stat-3", "ledger"),
    templateVersion: fc.constant(1),
    period: fc.constantFrom("2021-01", "2021-07", "2021-12"),
    unit: fc.constant("U"),
    header: fc.dictionary(
      fc.constantFrom("reportingUnit", "filledOn", "preparer", "phone", "head"),
      fc.jsonValue({ maxDepth: 1 })
    ),
    rows: fc.array(
      fc.record({
        key: fc.constantFrom(
          "all",
          "public",
          "public.g2",
          "private.g1",
          "grand",
          "total",
          "U1",
          "1"
        ),
        cells: anyCells,
      }),
      { maxLength: 6 }
    ),
  });

  it("on any cell values in a document-shaped object, and fill never reports cell.required", () => {
    fc.assert(
      fc.property(
        anyDoc,
        fc.constantFrom("fill", "submit") as fc.Arbitrary<"fill" | "submit">,
        fc.option(
          fc.constantFrom("public.g2", "private.g1") as fc.Arbitrary<"public.g2" | "private.g1">
        ),
        (doc, phase, tier) => {
          const r = validateDocument(doc, reg, { phase, tier, previous: doc as SheetDocument });
          if (!r.ok) {
            expect(r.error.code).toBe("bad-structure");
            return;
          }
          for (const i of r.issues) {
            expect(typeof i.message).toBe("string");
            if (phase === "fill") {
              expect(i.rule).not.toBe("cell.required");
              expect(i.rule).not.toBe("header.required");
            }
          }
        }
      ),
      { numRuns: RUNS * 5 }
    );
  });
});

describe("the hand-written envelope check agrees with the zod schema", () => {
  const nearDoc = fc.record(
    {
      template: fc.oneof(fc.constantFrom("stat-3", "", "x".repeat(65)), fc.string(), fc.integer()),
      templateVersion: fc.oneof(
        fc.constantFrom(1, 0, -1, 1.5, 2 ** 53, Number.MAX_VALUE),
        fc.string()
      ),
      period: fc.oneof(
        fc.constantFrom("2021-07", "2021-13", "2021-7", "2021-00", " 2021-07"),
        fc.string()
      ),
      unit: fc.oneof(fc.constantFrom("U", "", "u".repeat(65)), fc.integer()),
      header: fc.oneof(
        fc.constant(undefined),
        fc.constant(null),
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.array(fc.string())
      ),
      rows: fc.oneof(fc.array(fc.jsonValue(), { maxLength: 3 }), fc.jsonValue()),
    },
    { requiredKeys: [] }
  );
  it("on near-documents and any JSON value", () => {
    fc.assert(
      fc.property(fc.oneof(nearDoc, fc.jsonValue()), (value) => {
        const fast = fastEnvelope(value);
        const zod = sheetDocumentEnvelopeSchema.safeParse(value);
        if (fast) {
          expect(zod.success).toBe(true);
          expect(fast).toEqual(zod.data);
        } else {
          // The fast path may only decline what zod refuses, or what zod accepts with a header it had to read.
          const hdr = (value as { header?: unknown } | null)?.header;
          if (zod.success)
            expect(hdr !== undefined && Object.getPrototypeOf(hdr) !== Object.prototype).toBe(true);
        }
      }),
      { numRuns: RUNS * 10 }
    );
  });
});
