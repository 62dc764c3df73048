/**
 * Small display helpers shared by the islands.
 * @module
 */

export { shortAddress } from "../shared/short_address.ts";

/**
 * "14:05" in the viewer's time zone.
 *
 * @param ms Milliseconds since the epoch.
 * @returns Hours and minutes.
 */
export function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** Class names joined, skipping falsy ones. */
export function cx(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(" ");
}
