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

/**
 * Covers a set of cells with few rectangles: runs along each row, then equal runs on consecutive
 * rows joined. Renderers format a rectangle in one operation instead of a cell at a time.
 */
export function rectangles(cells: readonly { r: number; c: number }[]): Area[] {
  const byRow = new Map<number, number[]>();
  for (const { r, c } of cells) {
    const list = byRow.get(r);
    if (list) list.push(c);
    else byRow.set(r, [c]);
  }
  const open = new Map<string, Area>();
  const done: Area[] = [];
  for (const r of [...byRow.keys()].sort((a, b) => a - b)) {
    const runs = runsOf(byRow.get(r)!);
    const next = new Map<string, Area>();
    for (const [c1, c2] of runs) {
      const key = `${c1}:${c2}`;
      const prev = open.get(key);
      if (prev && prev.r2 === r - 1) {
        prev.r2 = r;
        next.set(key, prev);
        open.delete(key);
      } else next.set(key, { r1: r, c1, r2: r, c2 });
    }
    done.push(...open.values());
    open.clear();
    for (const [k, v] of next) open.set(k, v);
  }
  done.push(...open.values());
  return done.sort((a, b) => a.r1 - b.r1 || a.c1 - b.c1);
}

/** "B3" or "B3:D9" (a sheet prefix and $ signs allowed) as a 0-based area; whole rows/columns too. */
export function parseArea(address: string): Area | null {
  const ref = address.slice(address.lastIndexOf("!") + 1).replace(/\$/g, "");
  const m = /^([A-Z]{0,3})(\d*)(?::([A-Z]{0,3})(\d*))?$/i.exec(ref);
  if (!m || (!m[1] && !m[2])) return null;
  const col = (s: string | undefined, dflt: number): number => {
    if (!s) return dflt;
    let n = 0;
    for (const ch of s.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
    return n - 1;
  };
  const row = (s: string | undefined, dflt: number): number => (s ? Number(s) - 1 : dflt);
  const r1 = row(m[2], 0);
  const c1 = col(m[1], 0);
  const two = m[3] !== undefined || m[4] !== undefined;
  const r2 = two ? row(m[4], 1_048_575) : m[2] ? r1 : 1_048_575;
  const c2 = two ? col(m[3], 16_383) : m[1] ? c1 : 16_383;
  return r1 <= r2 && c1 <= c2 && r1 >= 0 && c1 >= 0 ? { r1, c1, r2, c2 } : null;
}
