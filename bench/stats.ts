/**
 * Small statistics for the bench: percentiles, medians and ratio formatting.
 * @module
 */

/** Count and percentiles of a sample, in its unit. */
export interface Summary {
  n: number;
  p50: number;
  p99: number;
  mean: number;
}

/**
 * Summarizes a sample (nearest-rank percentiles).
 *
 * @param xs Values.
 * @returns n, p50, p99 and mean (zeros for an empty sample).
 *
 * @example
 * ```ts
 * summarize([1, 2, 3]); // { n: 3, p50: 2, p99: 3, mean: 2 }
 * ```
 */
export function summarize(xs: number[]): Summary {
  if (xs.length === 0) return { n: 0, p50: 0, p99: 0, mean: 0 };
  let sum = 0;
  for (const x of xs) sum += x;
  return {
    n: xs.length,
    p50: percentile(xs, 0.5),
    p99: percentile(xs, 0.99),
    mean: sum / xs.length,
  };
}

/**
 * The nearest-rank percentile of a sample.
 *
 * @param xs Values (not changed).
 * @param q From 0 to 1, e.g. 0.95.
 * @returns The value at that rank (0 for an empty sample).
 *
 * @example
 * ```ts
 * percentile([5, 1, 4, 2, 3], 0.95); // 5
 * ```
 */
export function percentile(xs: number[], q: number): number {
  if (xs.length === 0) return 0;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/**
 * The median of a sample.
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * ```
 */
export function median(xs: number[]): number {
  return summarize(xs).p50;
}

/**
 * A ratio rounded to two decimals ("-" when the baseline is zero).
 *
 * @example
 * ```ts
 * ratio(1, 2); // 0.5
 * ```
 */
export function ratio(x: number, baseline: number): number | null {
  if (!baseline || !Number.isFinite(x / baseline)) return null;
  return Math.round((x / baseline) * 100) / 100;
}

/**
 * The most people in a mesh call whose per-person CPU stays within `budget` cores, from the
 * per-person CPU measured at two sizes: each person encodes one copy per peer and decodes one
 * stream per peer, so the cost is close to linear in peers (a + b·(n − 1)).
 *
 * @returns The largest n (at least the smaller measured size when that fits), or null without two
 *   sizes.
 *
 * @example
 * ```ts
 * import { meshFit } from "./stats.ts";
 * meshFit([{ peers: 2, perPeer: 0.2 }, { peers: 4, perPeer: 0.4 }], 1); // 8
 * ```
 */
export function meshFit(points: { peers: number; perPeer: number }[], budget: number) {
  const [p, q] = [...points].sort((x, y) => x.peers - y.peers);
  if (!p || !q || p.peers === q.peers) return null;
  const slope = (q.perPeer - p.perPeer) / (q.peers - p.peers);
  const base = p.perPeer - slope * (p.peers - 1);
  if (slope <= 0) return null;
  return Math.max(1, Math.floor(1 + (budget - base) / slope + 1e-9));
}
