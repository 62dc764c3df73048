/**
 * The short form of an address people read in sentences and on screen.
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
