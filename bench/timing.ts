/** Times a function by repeating it in batches; returns the median time per call in ms. */
export function timePerCall(fn: () => unknown, opts: { batchMs: number; batches: number }): number {
  // Warm up, and find how many calls fill a batch.
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= opts.batchMs / 4 || n >= 1 << 24) {
      n = Math.max(1, Math.round((n * opts.batchMs) / Math.max(dt, 0.001)));
      break;
    }
    n *= 2;
  }
  const samples: number[] = [];
  for (let b = 0; b < opts.batches; b++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    samples.push((performance.now() - t0) / n);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

export const round = (x: number, digits = 2): number => Number(x.toFixed(digits));
