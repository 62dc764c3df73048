/**
 * Small display helpers shared by the islands.
 * @module
 */

/**
 * "0x7099…79C8" for an address.
 *
 * @param address A 0x address.
 * @returns The short form.
 *
 * @example
 * ```ts
 * shortAddress("0x70997970C51812dc3A010C7d01b50e0d17dc79C8"); // "0x7099…79C8"
 * ```
 */
export function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

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
