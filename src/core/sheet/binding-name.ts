import { parseBinding, type Binding } from "./binding";

/**
 * The binding both hosts read (Excel through Office.js, WPS 表格 through its object model, and
 * the .xlsx writer): a hidden sheet-scoped defined name whose value is a short text key naming
 * the binding and what the sheet is (template, version, period, unit, tier, layout fingerprint),
 * and the whole binding (receipt, 说明, list rows) as JSON in a workbook custom XML part of our
 * namespace, found by the key's id. A defined name moves with its sheet when the sheet is renamed,
 * copied or moved, and names survive .xlsx in every spreadsheet program.
 */
export const BINDING_NAME = "Tianbao_Binding";
export const BINDING_NAMESPACE = "urn:tianbao:binding:1";

const KEY_PREFIX = "tianbao/1";

/** What the sheet is, from its name alone. */
export interface BindingKey {
  id: string;
  template: string;
  templateVersion: number;
  period: string;
  unitCode: string | null;
  tier: string | null;
  fingerprint: string;
}

const clean = (s: string): string => s.replace(/[;"]/g, "");

/** The name's text: fields joined by ";" (none of them may hold ";" or '"'). */
export function bindingKeyText(b: Binding): string {
  return [
    KEY_PREFIX,
    b.id,
    clean(b.template),
    String(b.templateVersion),
    b.period,
    clean(b.unit?.code ?? ""),
    clean(b.tier ?? ""),
    clean(b.fingerprint),
  ].join(";");
}

/** The name's RefersTo: a text constant formula (at most 255 characters, as Excel allows). */
export function bindingNameFormula(b: Binding): string {
  return `="${bindingKeyText(b)}"`;
}

/** Reads a key from a name's RefersTo (`="…"`) or its text; anything else is not ours. */
export function parseBindingKey(refersTo: unknown): BindingKey | null {
  if (typeof refersTo !== "string") return null;
  const text = refersTo.replace(/^=?"?/, "").replace(/"$/, "");
  const f = text.split(";");
  if (f.length !== 8 || f[0] !== KEY_PREFIX) return null;
  const version = Number(f[3]);
  if (!f[1] || !f[2] || !Number.isInteger(version) || version <= 0 || !f[4]) return null;
  return {
    id: f[1],
    template: f[2],
    templateVersion: version,
    period: f[4],
    unitCode: f[5] || null,
    tier: f[6] || null,
    fingerprint: f[7] ?? "",
  };
}

/** A binding made from its key alone (no receipt, no 说明, no list rows; the unit's name unknown). */
export function bindingFromKey(k: BindingKey): Binding | null {
  return parseBinding({
    v: 1,
    id: k.id,
    template: k.template,
    templateVersion: k.templateVersion,
    period: k.period,
    unit: k.unitCode ? { code: k.unitCode, name: "" } : null,
    tier: k.tier,
    fingerprint: k.fingerprint,
  });
}

const escapeXml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const unescapeXml = (s: string): string =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&gt;/g, ">")
    .replace(/&lt;/g, "<")
    .replace(/&amp;/g, "&");

/** The custom XML part holding a whole binding. */
export function bindingXml(b: Binding): string {
  return `<binding xmlns="${BINDING_NAMESPACE}" id="${escapeXml(b.id)}">${escapeXml(JSON.stringify(b))}</binding>`;
}

/** A binding from one of our custom XML parts (null: not one, or not valid). */
export function parseBindingXml(xml: string): Binding | null {
  if (!xml.includes(BINDING_NAMESPACE)) return null;
  const m = /<binding\b[^>]*>([\s\S]*)<\/binding>/.exec(xml);
  return m ? parseBinding(unescapeXml(m[1]!)) : null;
}

/** The id a custom XML part of ours names, without parsing its JSON. */
export function bindingXmlId(xml: string): string | null {
  if (!xml.includes(BINDING_NAMESPACE)) return null;
  return /<binding\b[^>]*\bid="([^"]*)"/.exec(xml)?.[1] ?? null;
}

/**
 * The binding a sheet carries: the XML part's when it agrees with the key (same id), otherwise
 * the key's own (the part was lost, e.g. a file saved by a program that drops parts).
 */
export function bindingOf(key: BindingKey, parts: ReadonlyMap<string, Binding>): Binding | null {
  return parts.get(key.id) ?? bindingFromKey(key);
}
