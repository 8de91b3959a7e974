import type { SheetDocument } from "../../src/core/schema/document";
import { countChanges, diffDocuments } from "../../src/core/sheet/diff";
import { templates } from "../../src/templates";

/** The diff the server, the pane and the web page count with: input cells and header only. */
const doc = (
  template: string,
  rows: SheetDocument["rows"],
  header: SheetDocument["header"] = {}
): SheetDocument => ({
  template,
  templateVersion: 1,
  period: "2021-07",
  unit: "H1",
  header,
  rows,
});

it("a computed column (stat-2's 小计) is no change; its inputs are", () => {
  const t = templates().get("stat-2")!;
  const before = doc("stat-2", [{ key: "public.g2", cells: { c12: 1, c13: 0, c11: 1 } }]);
  const after = doc("stat-2", [{ key: "public.g2", cells: { c12: 1, c13: 2, c11: 3 } }]);
  expect(diffDocuments(t, before, after)).toEqual([
    { row: "public.g2", col: "c13", before: 0, after: 2 },
  ]);
});

it("blank is blank however written; a number written as text is a change", () => {
  const t = templates().get("stat-3")!;
  const before = doc("stat-3", [{ key: "public.g2", cells: { c1: 1, c14: "" } }], { head: "" });
  const after = doc("stat-3", [{ key: "public.g2", cells: { c1: "1", c14: null } }], {});
  expect(diffDocuments(t, before, after)).toEqual([
    { row: "public.g2", col: "c1", before: 1, after: "1" },
  ]);
  expect(countChanges(t, after, after)).toBe(0);
});

it("list rows (stat-1's units) are compared by key, in the order the new version lists them", () => {
  const t = templates().get("stat-1")!;
  const before = doc("stat-1", [
    { key: "H1", cells: { name: "甲医院", c1: 1 } },
    { key: "H2", cells: { name: "乙医院", c1: 2 } },
  ]);
  const after = doc("stat-1", [
    { key: "H3", cells: { name: "丙医院" } },
    { key: "H1", cells: { name: "甲医院", c1: 1 } },
  ]);
  const changes = diffDocuments(t, before, after);
  expect(changes.map((c) => c.row)).toEqual(["H3", "H2", "H2"]);
  expect(changes).toContainEqual({ row: "H3", col: "name", before: null, after: "丙医院" });
  expect(changes).toContainEqual({ row: "H2", col: "c1", before: 2, after: null });
});

it("a first version lists every non-blank header field and input, header first", () => {
  const t = templates().get("stat-3")!;
  const first = doc("stat-3", [{ key: "public.g2", cells: { c1: 0, c2: 4, c3: "" } }], {
    preparer: "李某",
    reportingUnit: "示例县人民医院",
  });
  expect(diffDocuments(t, null, first)).toEqual([
    { row: "header", col: "reportingUnit", before: null, after: "示例县人民医院" },
    { row: "header", col: "preparer", before: null, after: "李某" },
    { row: "public.g2", col: "c1", before: null, after: 0 },
    { row: "public.g2", col: "c2", before: null, after: 4 },
  ]);
});
