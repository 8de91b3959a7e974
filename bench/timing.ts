import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// A full collection before each batch, untimed: otherwise one function's garbage (the JSON round
// trip promotes a copy of every document) is collected during the next one's batch. gc() exists
// only with --expose-gc; set at run time, it appears in a new context.
let gc: (() => void) | null = null;
function collect(): void {
  if (!gc) {
    setFlagsFromString("--expose-gc");
    gc = runInNewContext("gc") as () => void;
  }
  gc();
}

/** How many calls of `fn` fill a batch of `batchMs`; the doubling is also the warm-up. */
function callsPerBatch(fn: () => unknown, batchMs: number): number {
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= batchMs / 4 || n >= 1 << 24)
      return Math.max(1, Math.round((n * batchMs) / Math.max(dt, 0.001)));
    n *= 2;
  }
}

const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Times several functions in rounds, one batch of each per round, so that what the machine does
 * meanwhile (other work starting or stopping) falls on all of them alike. Returns the time per
 * call in ms of each function in each round: `[round][function]`. A figure built from them is
 * best taken within each round, then the median over rounds (see medianOver).
 */
export function timeInRounds(
  fns: readonly (() => unknown)[],
  opts: { batchMs: number; batches: number }
): number[][] {
  const n = fns.map((fn) => callsPerBatch(fn, opts.batchMs));
  const rounds: number[][] = [];
  for (let b = 0; b < opts.batches; b++)
    rounds.push(
      fns.map((fn, f) => {
        collect();
        // A full collection also shrinks the young generation; V8 grows it again only as a function
        // allocates. Timed at once, a function that allocates more per call (a 10,000-row
        // document) was charged for that regrowth: 1.1 µs a row against 0.7 in a plain loop.
        for (let i = 0; i < Math.ceil(n[f]! / 4); i++) fn();
        const t0 = performance.now();
        for (let i = 0; i < n[f]!; i++) fn();
        return (performance.now() - t0) / n[f]!;
      })
    );
  return rounds;
}

/** The median over rounds of a figure computed within each round. */
export const medianOver = (rounds: readonly number[][], figure: (t: number[]) => number): number =>
  median(rounds.map(figure));

export const round = (x: number, digits = 2): number => Number(x.toFixed(digits));
