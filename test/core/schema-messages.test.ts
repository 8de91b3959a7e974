import { bindingSchema } from "../../src/core/sheet/binding";
import { sheetDocumentEnvelopeSchema } from "../../src/core/schema/document";
import { templateSchema } from "../../src/core/schema/template";

/**
 * The schemas are zod/mini, which carries no messages of its own; this file loads only src/core
 * (never the full zod, whose import would install English for everyone), so it sees what the
 * pane sees. The texts are the full zod's, as the server and the CLI gave them before.
 */
const messages = (r: { success: boolean; error?: { issues: { message: string }[] } }) =>
  r.error?.issues.map((i) => i.message) ?? [];

it("explains a wrong kind of value, a too-short string and a non-integer as the full zod does", () => {
  const doc = { template: "", templateVersion: 1.5, period: "2021-07", unit: 7, rows: [] };
  expect(messages(sheetDocumentEnvelopeSchema.safeParse(doc))).toEqual([
    "Too small: expected string to have >=1 characters",
    "Invalid input: expected int, received number",
    "Invalid input: expected string, received number",
  ]);
});

it("names the keys a strict object refuses and the options of an enum", () => {
  const r = templateSchema.safeParse({ id: "x", surplus: 1, rowMode: "tree" });
  expect(messages(r)).toContain('Unrecognized key: "surplus"');
  expect(messages(r)).toContain('Invalid option: expected one of "fixed"|"list"');
});

it("keeps its own wording where a schema gives one", () => {
  const r = bindingSchema.safeParse({ v: 1, period: "2021-13" });
  expect(messages(r)).toContain("a period is YYYY-MM");
});
