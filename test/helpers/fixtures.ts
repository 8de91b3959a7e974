import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Issue, SheetDocument } from "../../src/core/schema/document";
import type { Tier } from "../../src/core/schema/template";

/** A validation case copied from the shared fixtures: a document and the exact issue set it gives. */
export interface FixtureCase {
  file: string;
  name: string;
  phase: "fill" | "submit";
  tier: Tier | null;
  previous: SheetDocument | null;
  document: SheetDocument;
  expect: Pick<Issue, "rule" | "severity" | "row" | "col">[];
}

const DIR = join(__dirname, "..", "fixtures");

export function loadFixtures(): FixtureCase[] {
  const files = [
    ...readdirSync(join(DIR, "validation"))
      .filter((f) => f.endsWith(".json"))
      .map((f) => join(DIR, "validation", f)),
    ...readdirSync(DIR)
      .filter((f) => f.endsWith(".json"))
      .map((f) => join(DIR, f)),
  ].sort();
  return files.map((file) => ({
    file,
    ...(JSON.parse(readFileSync(file, "utf8")) as Omit<FixtureCase, "file">),
  }));
}

/** Issues as a sorted set of "rule|severity|row|col", the comparison the fixtures define. */
export const issueSet = (issues: Pick<Issue, "rule" | "severity" | "row" | "col">[]): string[] =>
  [...new Set(issues.map((i) => `${i.rule}|${i.severity}|${i.row}|${i.col}`))].sort();

type Expected = FixtureCase["expect"][number];

/** The fixture's warnings that its template marks as needing an explanation at submission. */
function markedWarnings(c: FixtureCase, marked: ReadonlySet<string>): Expected[] {
  return c.expect.filter((i) => i.severity === "warning" && marked.has(i.rule));
}

/**
 * The fixture's document with an explanation on each marked warning: the fixtures predate
 * explanations, so this is the document that gives exactly their expected set in every phase.
 */
export function explainedDocument(c: FixtureCase, marked: ReadonlySet<string>): SheetDocument {
  const explanations = markedWarnings(c, marked).map((i) => ({
    rule: i.rule,
    row: i.row,
    col: i.col,
    text: "属更正，已核实",
  }));
  return explanations.length ? { ...c.document, explanations } : c.document;
}

/** The fixture's expected set for its document as given (no explanations): at submission each marked warning also brings explanation.required. */
export function expectUnexplained(c: FixtureCase, marked: ReadonlySet<string>): Expected[] {
  if (c.phase !== "submit") return c.expect;
  return [
    ...c.expect,
    ...markedWarnings(c, marked).map((i) => ({
      rule: "explanation.required",
      severity: "error" as const,
      row: i.row,
      col: i.col,
    })),
  ];
}
