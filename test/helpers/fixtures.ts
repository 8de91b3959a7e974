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
