/**
 * How bench/RESULTS.md writes its table cells: figures with thousands separators, ratios against a
 * baseline as "1.23×", and whether a target was met. Shared by report.ts and report_browser.ts.
 * @module
 */

/**
 * A figure with thousands separators and exactly `digits` decimals.
 *
 * @param x The figure; null, undefined, NaN or an infinity when there is none.
 * @param digits Decimals, 0 unless given.
 * @returns The cell's text, "-" when there is no figure.
 *
 * @example
 * ```ts
 * formatNumber(12345.678, 1); // "12,345.7"
 * formatNumber(null); // "-"
 * ```
 */
export function formatNumber(x: number | null | undefined, digits = 0): string {
  return x === null || x === undefined || !Number.isFinite(x)
    ? "-"
    : x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/**
 * A ratio against a baseline, two decimals and a "×".
 *
 * @param x The ratio, or null when there is no baseline.
 * @returns The cell's text, "-" for null.
 *
 * @example
 * ```ts
 * formatRatio(0.876); // "0.88×"
 * formatRatio(null); // "-"
 * ```
 */
export function formatRatio(x: number | null): string {
  return x === null ? "-" : `${x.toFixed(2)}×`;
}

/**
 * Whether a figure met its target, as the tables say it.
 *
 * @param ok Met or not; null when there was nothing to judge.
 * @returns "met", "**missed**" (bold), or "" for null.
 *
 * @example
 * ```ts
 * verdict(1.1 <= 1.25); // "met"
 * verdict(null); // ""
 * ```
 */
export function verdict(ok: boolean | null): string {
  return ok === null ? "" : ok ? "met" : "**missed**";
}
