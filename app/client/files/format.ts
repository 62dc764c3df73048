/**
 * Sizes, speeds and durations as people read them.
 * @module
 */

/**
 * "1.5 MB" (decimal units, as file managers show them).
 *
 * @example
 * ```ts
 * import { formatBytes } from "./format.ts";
 * formatBytes(1_500_000); // "1.5 MB"
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits).replace(/\.0+$|(\.\d*?)0+$/, "$1")} ${units[unit]}`;
}

/**
 * "2 min 5 s", "40 s".
 *
 * @example
 * ```ts
 * import { formatDuration } from "./format.ts";
 * formatDuration(125); // "2 min 5 s"
 * ```
 */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
