import JSZip from "jszip";
import type { LayoutPlan } from "../core/layout/types";
import { BINDING_NAME, bindingKeyText } from "../core/sheet/binding-name";

/**
 * Gives a written .xlsx the binding both add-ins read (src/core/sheet/binding-name.ts): a hidden
 * defined name scoped to the table's sheet whose value is the binding key. exceljs writes only
 * range names, so the name is put into xl/workbook.xml afterwards. The binding id is new for each
 * file: a blank downloaded twice gives two bindings.
 */
export async function withBindingName(
  xlsx: Buffer,
  plan: LayoutPlan,
  tier: string | null,
  sheetIndex = 0
): Promise<Buffer> {
  const zip = await JSZip.loadAsync(xlsx);
  const file = zip.file("xl/workbook.xml");
  if (!file) throw new Error("xl/workbook.xml missing");
  const xml = await file.async("string");
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  const key = bindingKeyText({
    v: 1,
    id: Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""),
    template: plan.templateId,
    templateVersion: plan.templateVersion,
    period: plan.period,
    unit: plan.unit ? { code: plan.unit, name: "" } : null,
    tier: tier as never,
    fingerprint: plan.fingerprint,
  });
  // A text constant: the formula `="…"` is stored without its "=", quotes XML-escaped.
  const node = `<definedName name="${BINDING_NAME}" localSheetId="${sheetIndex}" hidden="1">&quot;${key}&quot;</definedName>`;
  const next = xml.includes("<definedNames>")
    ? xml.replace("<definedNames>", `<definedNames>${node}`)
    : xml.replace("</sheets>", `</sheets><definedNames>${node}</definedNames>`);
  if (next === xml) throw new Error("xl/workbook.xml has no <sheets>");
  zip.file("xl/workbook.xml", next);
  return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
}
