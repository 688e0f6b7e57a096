/**
 * One batch run as several session.runs side by side, on workers that would otherwise sit idle
 * (batch-scheduler.ts decides when). A lone request too long to run on the HTTP thread (--inline-max-ms),
 * say 64 samples on a 2-core machine, then takes both cores, as one session with two intra-op threads
 * would, instead of one worker while the other waits; under load every worker is busy and batches run
 * whole. Parts are never smaller than `--spread-min` samples (worker-spread.ts): a smaller part's hop costs
 * about as much as its run.
 */

/** Splits rows [0, n) into `parts` contiguous ranges as equal as can be (at most n of them). */
export function splitRows(n: number, parts: number): [number, number][] {
  const k = Math.max(1, Math.min(Math.floor(parts), n));
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < k; i++) {
    const end = start + Math.floor(n / k) + (i < n % k ? 1 : 0);
    out.push([start, end]);
    start = end;
  }
  return out;
}

/** How many of the requests (`sizes`: rows per request, in batch order) have rows in [start, end). */
export function requestsIn(sizes: readonly number[], start: number, end: number): number {
  let count = 0;
  let row = 0;
  for (const size of sizes) {
    if (row < end && row + size > start) count++;
    row += size;
  }
  return count;
}

/** The parts' outputs as one array, in order (the only one itself when there is one part). */
export function joinRows(parts: readonly Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
