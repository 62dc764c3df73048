/**
 * Small byte helpers shared by the core (internal; not re-exported by mod.ts).
 * @module
 */
import { type Hex, hexToBytes, isHex } from "viem";

const encoder = new TextEncoder();

/** UTF-8 bytes of an ASCII label. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Concatenates byte arrays into one new array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Big-endian 32-bit unsigned integer. */
export function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

/**
 * Equality that does not stop at the first differing byte (no early exit on secret data).
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/**
 * Decodes 0x-prefixed hex of an exact byte length.
 *
 * @throws {TypeError} If it is not hex of that length.
 */
export function fixedHex(value: Hex, length: number, what: string): Uint8Array {
  if (
    typeof value !== "string" || !isHex(value, { strict: true }) || value.length !== 2 + 2 * length
  ) {
    throw new TypeError(`Cannot read ${what}: want ${length} bytes of 0x-prefixed hex`);
  }
  return hexToBytes(value);
}

/** Lexicographic comparison of two byte arrays (negative, zero, positive). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
