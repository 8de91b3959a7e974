/**
 * Canonical JSON (sorted keys), so the same body always hashes the same. Stored request hashes
 * depend on these exact bytes, and so do the digests of the audit chain (db/chain-links.ts); loops
 * rather than map and join, as every submission is hashed. Imports nothing, so that the writer
 * thread can load it.
 */
export function canonicalJson(v: unknown): string {
  if (typeof v !== "object" || v === null) return JSON.stringify(v) ?? "null";
  let out: string;
  if (Array.isArray(v)) {
    out = "[";
    for (let i = 0; i < v.length; i++) out += (i ? "," : "") + canonicalJson(v[i]);
    return out + "]";
  }
  const keys = Object.keys(v).sort();
  out = "{";
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    out +=
      (i ? "," : "") + JSON.stringify(k) + ":" + canonicalJson((v as Record<string, unknown>)[k]);
  }
  return out + "}";
}
