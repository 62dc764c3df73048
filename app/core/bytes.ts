/**
 * Mesh3's one bytes module: hex (viem's), base64 and base64url, constant-time equality,
 * concatenation and comparison. Every layer (core, chain, client, server) takes its byte
 * helpers from here; nothing else hand-writes hex or base64.
 *
 * @example
 * ```ts
 * import { bytesToHex, decodeBase64Url, encodeBase64Url, equalBytes } from "./bytes.ts";
 * const key = new Uint8Array([1, 2, 255]);
 * encodeBase64Url(key); // "AQL_"
 * equalBytes(decodeBase64Url("AQL_"), key); // true
 * bytesToHex(key); // "0x0102ff"
 * ```
 * @module
 */
import { bytesToHex, type Hex, hexToBytes, isHex } from "viem";

export { bytesToHex, hexToBytes };

const encoder = new TextEncoder();

/**
 * UTF-8 bytes of a text (labels, tags).
 *
 * @example
 * ```ts
 * import { utf8 } from "./bytes.ts";
 * utf8("ab"); // Uint8Array [97, 98]
 * ```
 */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * Concatenates byte arrays into one new array.
 *
 * @example
 * ```ts
 * import { concatBytes } from "./bytes.ts";
 * concatBytes(new Uint8Array([1]), new Uint8Array([2, 3])); // Uint8Array [1, 2, 3]
 * ```
 */
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

/**
 * Big-endian 32-bit unsigned integer.
 *
 * @example
 * ```ts
 * import { u32 } from "./bytes.ts";
 * u32(258); // Uint8Array [0, 0, 1, 2]
 * ```
 */
export function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

/**
 * Equality that does not stop at the first differing byte (no early exit on secret data).
 *
 * @example
 * ```ts
 * import { equalBytes } from "./bytes.ts";
 * equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2])); // true
 * ```
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/**
 * Lexicographic comparison of two byte arrays (negative, zero, positive).
 *
 * @example
 * ```ts
 * import { compareBytes } from "./bytes.ts";
 * compareBytes(new Uint8Array([1]), new Uint8Array([2])) < 0; // true
 * ```
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * Decodes 0x-prefixed hex of an exact byte length.
 *
 * @param value The hex.
 * @param length The number of bytes wanted.
 * @param what What the value is, for the error message.
 * @throws {TypeError} If it is not hex of that length.
 *
 * @example
 * ```ts
 * import { fixedHex } from "./bytes.ts";
 * fixedHex("0x00ff", 2, "tag"); // Uint8Array [0, 255]
 * ```
 */
export function fixedHex(value: Hex, length: number, what: string): Uint8Array {
  if (
    typeof value !== "string" || !isHex(value, { strict: true }) || value.length !== 2 + 2 * length
  ) {
    throw new TypeError(`Cannot read ${what}: want ${length} bytes of 0x-prefixed hex`);
  }
  return hexToBytes(value);
}

/**
 * Encodes bytes as standard base64 with padding (RFC 4648 section 4).
 *
 * @example
 * ```ts
 * import { encodeBase64 } from "./bytes.ts";
 * encodeBase64(new Uint8Array([255, 254])); // "//4="
 * ```
 */
export function encodeBase64(bytes: Uint8Array): string {
  let bin = "";
  // Chunked: String.fromCharCode(...bytes) overflows the stack on large inputs.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/**
 * Encodes bytes as base64url without padding (RFC 4648 section 5; the wire form of public keys).
 *
 * @example
 * ```ts
 * import { encodeBase64Url } from "./bytes.ts";
 * encodeBase64Url(new Uint8Array([255])); // "_w"
 * ```
 */
export function encodeBase64Url(bytes: Uint8Array): string {
  return encodeBase64(bytes).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * Decodes base64url (padding optional).
 *
 * @param text base64url text.
 * @returns The bytes.
 * @throws {TypeError} If the text is not base64url.
 *
 * @example
 * ```ts
 * import { decodeBase64Url } from "./bytes.ts";
 * decodeBase64Url("_w"); // Uint8Array [255]
 * ```
 */
export function decodeBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) {
    throw new TypeError("Cannot decode base64url: invalid character");
  }
  const b64 = text.replaceAll("-", "+").replaceAll("_", "/").replace(/=+$/, "");
  let bin: string;
  try {
    bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  } catch {
    throw new TypeError("Cannot decode base64url: invalid length");
  }
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}
