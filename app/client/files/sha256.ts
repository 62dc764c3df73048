/**
 * SHA-256 of files, a piece at a time: WebCrypto's `digest` takes the whole input at once, so a
 * file never in memory needs an incremental hash. `@noble/hashes` (audited, already under viem)
 * gives it in plain JavaScript, so the page needs no WebAssembly and its CSP stays as it is.
 * @module
 */
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex } from "@noble/hashes/utils";

/** Bytes read per step when hashing a whole Blob. */
const SLICE = 1024 * 1024;

/** An incremental SHA-256. */
export interface Sha256 {
  /** Adds bytes. */
  update(bytes: Uint8Array): void;
  /** The digest of everything added, as 64 lower-case hex characters (ends the hash). */
  hex(): string;
}

/**
 * Starts an incremental SHA-256.
 *
 * @returns The hash.
 *
 * @example
 * ```ts
 * import { incrementalSha256 } from "./sha256.ts";
 * const h = incrementalSha256();
 * h.update(new TextEncoder().encode("abc"));
 * h.hex(); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export function incrementalSha256(): Sha256 {
  const h = sha256.create();
  return {
    update: (bytes) => void h.update(bytes),
    hex: () => bytesToHex(h.digest()),
  };
}

/**
 * Hashes a Blob (a File from disk stays on disk: it is read one slice at a time).
 *
 * @param blob The file.
 * @param onProgress Called after each slice with the fraction done.
 * @param signal Stops the reading.
 * @returns The hex digest.
 *
 * @example
 * ```ts
 * import { hashBlob } from "./sha256.ts";
 * await hashBlob(new Blob(["abc"])); // "ba7816bf…"
 * ```
 */
export async function hashBlob(
  blob: Blob,
  onProgress?: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<string> {
  const h = incrementalSha256();
  for (let at = 0; at < blob.size; at += SLICE) {
    signal?.throwIfAborted();
    h.update(new Uint8Array(await blob.slice(at, at + SLICE).arrayBuffer()));
    onProgress?.(Math.min(1, (at + SLICE) / blob.size));
  }
  return h.hex();
}
