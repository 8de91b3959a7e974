/** A1-style addresses for 0-based (row, column) coordinates. */
export function colName(c: number): string {
  let n = c + 1;
  let s = "";
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export const a1 = (r: number, c: number): string => `${colName(c)}${r + 1}`;

export interface Area {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

export const areaA1 = (a: Area): string =>
  a.r1 === a.r2 && a.c1 === a.c2 ? a1(a.r1, a.c1) : `${a1(a.r1, a.c1)}:${a1(a.r2, a.c2)}`;

/** Splits sorted row indices into runs of consecutive rows. */
export function runsOf(rows: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const r of [...rows].sort((a, b) => a - b)) {
    const last = out[out.length - 1];
    if (last && last[1] === r - 1) last[1] = r;
    else out.push([r, r]);
  }
  return out;
}

/** FNV-1a, 32 bits, as 8 hex digits: a short, stable fingerprint (not a security hash). */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}
