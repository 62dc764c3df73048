/**
 * Single-use SIWE nonces: random, short-lived, bounded in number, consumed by any sign-in
 * attempt that names them (so a nonce cannot be ground against signatures).
 * @module
 */
import { bytesToHex } from "../../core/bytes.ts";
import { BoundedMap } from "../bounded_map.ts";

/** Options of {@linkcode NonceStore}. */
export interface NonceStoreOptions {
  ttlSeconds: number;
  maxNonces: number;
  now?: () => number;
}

/**
 * Issues and consumes nonces. Each nonce is 128 bits of randomness as 32 hex characters
 * (EIP-4361 wants at least 8 alphanumerics).
 *
 * @example
 * ```ts
 * const nonces = new NonceStore({ ttlSeconds: 300, maxNonces: 10_000 });
 * const n = nonces.issue();
 * nonces.consume(n); // true
 * nonces.consume(n); // false: single use
 * ```
 */
export class NonceStore {
  #live: BoundedMap<string, true>;
  constructor(options: NonceStoreOptions) {
    this.#live = new BoundedMap({
      maxSize: options.maxNonces,
      ttlMs: options.ttlSeconds * 1000,
      now: options.now,
    });
  }

  /** A fresh nonce, valid once until its TTL ends. */
  issue(): string {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    // SIWE nonces are alphanumeric (EIP-4361): hex without the 0x.
    const nonce = bytesToHex(bytes).slice(2);
    this.#live.set(nonce, true);
    return nonce;
  }

  /** Consumes `nonce`; true only the first time, within its TTL. */
  consume(nonce: string): boolean {
    return this.#live.take(nonce) === true;
  }

  /** Drops expired nonces. */
  sweep(): void {
    this.#live.sweep();
  }

  /** Nonces held. */
  get size(): number {
    return this.#live.size;
  }
}
