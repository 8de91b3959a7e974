/**
 * Work waiting for a few shared workers, kept per key (a unit) so that no key waits behind
 * another's backlog: the next job goes to the key with the fewest jobs running, and among those
 * to the one served longest ago. A key that sends twenty files while another sends one has its
 * files run one after the other; the other's starts as soon as any worker is free.
 */
export class FairQueue<T> {
  /** Waiting items per key, in the order the keys were last served (Map keeps insertion order). */
  private readonly waiting = new Map<string, T[]>();
  private readonly running = new Map<string, number>();
  private count = 0;

  constructor(
    /** Items one key may have waiting; one more is refused (for that key only). */
    private readonly perKey: number,
    /** Items all keys together may have waiting: a bound on memory, reached only by many keys. */
    private readonly total: number
  ) {}

  get length(): number {
    return this.count;
  }

  /** Takes the item, or says which bound refuses it: its key's share, or the whole queue. */
  push(key: string, item: T): "taken" | "share-full" | "full" {
    const items = this.waiting.get(key);
    if ((items?.length ?? 0) >= this.perKey) return "share-full";
    if (this.count >= this.total) return "full";
    if (items) items.push(item);
    else this.waiting.set(key, [item]);
    this.count++;
    return "taken";
  }

  /** The next item to run, now counted as running under its key until `finished`. */
  next(): { key: string; item: T } | undefined {
    let chosen: string | undefined;
    let fewest = Infinity;
    for (const key of this.waiting.keys()) {
      const n = this.running.get(key) ?? 0;
      if (n < fewest) [chosen, fewest] = [key, n];
    }
    if (chosen === undefined) return undefined;
    const items = this.waiting.get(chosen)!;
    const item = items.shift()!;
    // Served now: to the back of the order, or out of it when nothing of it waits.
    this.waiting.delete(chosen);
    if (items.length) this.waiting.set(chosen, items);
    this.count--;
    this.running.set(chosen, fewest + 1);
    return { key: chosen, item };
  }

  finished(key: string): void {
    const n = (this.running.get(key) ?? 0) - 1;
    if (n > 0) this.running.set(key, n);
    else this.running.delete(key);
  }

  /** Every waiting item, removed (when the pool closes). */
  drain(): T[] {
    const all = [...this.waiting.values()].flat();
    this.waiting.clear();
    this.count = 0;
    return all;
  }
}
