/** The value below which `p` (0..1) of the samples fall, by nearest rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

export function summarize(samples: readonly number[]) {
  return { n: samples.length, median: round(percentile(samples, 0.5), 2), p99: round(percentile(samples, 0.99), 2), max: round(Math.max(...samples), 2) };
}
