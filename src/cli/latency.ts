// Round-trip statistics of `zerobuffer request` and the duplex benchmark.

/** p50, p99 and max of a set of samples (nearest-rank percentiles), in the samples' unit. */
export interface LatencySummary {
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile `p` (0 < p ≤ 1) of ascending `sorted`; 0 when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** Sorts a copy of `samples` and summarises it. */
export function summarizeLatency(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? 0 };
}
