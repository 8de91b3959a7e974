/** How a caller reads the key of one of its entries (a row), given what holds them. */
export type KeyOf<S> = (source: S, entry: number) => string;

/** The key of a row in a list of rows: entries are indices into it. */
export const rowKeyAt: KeyOf<readonly { readonly key: string }[]> = (rows, entry) =>
  rows[entry]!.key;

/**
 * A reusable index of strings for the passes that look rows up by a key (the duplicate-row check,
 * the unique-name rule, the rows of the totals' reader, a row's cells by its key): for each key,
 * an entry number (a row).
 *
 * Why not a Map or Set: past about 4,000 entries their backing table outgrows 128 kB, and V8
 * allocates such a table as a large object on pages of its own, mapped afresh and zeroed by the
 * kernel on first touch (about 470 page faults per 10,000-row document, measured), and the
 * tables of every growth step are garbage after the call. This index keeps its slots in typed
 * arrays reused from one validation to the next, as the engine's grid is: a validation is
 * synchronous and never re-entered, and each pass resets the index before it starts.
 *
 * It holds no string: it stores each key's hash and entry number, and compares keys through the
 * caller's `keyOf(source, entry)` only when two hashes are equal, so nothing of the last document
 * stays alive. `keyOf` is a function made once, not a closure per call: tsx (the server, the CLI,
 * the bench) names every named closure with Object.defineProperty when it is made, which costs
 * more than the look-ups of a small document.
 */
export class KeyIndex {
  /**
   * Two numbers per slot, side by side so a probe reads one cache line, not one in each of two
   * arrays (a 10,000-row document's slots are 256 kB, read in no order): at 2 × slot the entry
   * number + 1 (0 when free), at 2 × slot + 1 the full hash of the key there, so most probes
   * decide without reading a string.
   */
  private slots = new Int32Array(128);
  private mask = 63;
  /** Keys claimed since reset(). */
  private count = 0;

  /** Empties the index, sized for `count` keys (load at most 1/2, so probes stay short). */
  reset(count: number): void {
    let slots = 64;
    while (slots < count * 2) slots *= 2;
    if (slots * 2 > this.slots.length) this.slots = new Int32Array(slots * 2);
    // Only the slots in use are cleared: a small document does not pay for a large one's size.
    else this.slots.fill(0, 0, slots * 2);
    this.mask = slots - 1;
    this.count = 0;
  }

  /**
   * The entry that already claimed `key` (its key compared by `keyOf`), or -1 after recording
   * `entry` as the one that claims it.
   */
  claim<S>(key: string, entry: number, source: S, keyOf: KeyOf<S>): number {
    const h = hashOf(key);
    const slot = this.slotOf(key, h, source, keyOf);
    const e = this.slots[2 * slot]!;
    if (e !== 0) return e - 1;
    this.place(slot, h, entry);
    return -1;
  }

  /** Records `entry` for `key`, in place of an entry already there (the last one wins, as in a Map). */
  set<S>(key: string, entry: number, source: S, keyOf: KeyOf<S>): void {
    const h = hashOf(key);
    const slot = this.slotOf(key, h, source, keyOf);
    if (this.slots[2 * slot] !== 0) this.slots[2 * slot] = entry + 1;
    else this.place(slot, h, entry);
  }

  /** The entry recorded for `key`, or -1. */
  find<S>(key: string, source: S, keyOf: KeyOf<S>): number {
    return this.slots[2 * this.slotOf(key, hashOf(key), source, keyOf)]! - 1;
  }

  /** The slot that holds `key`, or the free slot where it would go. */
  private slotOf<S>(key: string, h: number, source: S, keyOf: KeyOf<S>): number {
    const { slots, mask } = this;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const e = slots[2 * slot]!;
      if (e === 0 || (slots[2 * slot + 1] === h && keyOf(source, e - 1) === key)) return slot;
    }
  }

  private place(slot: number, h: number, entry: number): void {
    this.slots[2 * slot] = entry + 1;
    this.slots[2 * slot + 1] = h;
    if (++this.count * 2 > this.mask + 1) this.grow();
  }

  /** More keys than reset() was told of: twice the slots, placed again by their stored hashes. */
  private grow(): void {
    const old = this.slots.subarray(0, 2 * (this.mask + 1));
    const size = (this.mask + 1) * 2;
    const slots = new Int32Array(Math.max(size * 2, this.slots.length));
    const mask = size - 1;
    for (let i = 0; i < old.length; i += 2) {
      const e = old[i]!;
      if (e === 0) continue;
      const h = old[i + 1]!;
      let slot = h & mask;
      while (slots[2 * slot] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = e;
      slots[2 * slot + 1] = h;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

// Seeded once per process: which keys collide cannot be worked out in advance, so a document
// cannot be built to make the probes long (V8 seeds its own string hashes for the same reason).
// The seed changes only the speed, never an answer.
const SEED = (Math.random() * 0x100000000) | 0;

/** FNV-1a over the UTF-16 code units, finished with murmur3's mix so the low bits spread. */
function hashOf(key: string): number {
  let h = SEED ^ 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
