/**
 * Token buckets for rate limits: one per socket for frames, one per IP for sign-in requests.
 * @module
 */
import { BoundedMap } from "./bounded_map.ts";

/**
 * A token bucket: `burst` tokens, refilled at `ratePerSecond`.
 *
 * @example
 * ```ts
 * const b = new TokenBucket(20, 50);
 * if (!b.take()) console.log("rate-limited");
 * ```
 */
export class TokenBucket {
  #tokens: number;
  #last: number;
  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    readonly now: () => number = performance.now.bind(performance),
  ) {
    this.#tokens = burst;
    this.#last = now();
  }

  /** Takes one token; returns false (and takes nothing) when the bucket is empty. */
  take(): boolean {
    const t = this.now();
    this.#tokens = Math.min(
      this.burst,
      this.#tokens + ((t - this.#last) / 1000) * this.ratePerSecond,
    );
    this.#last = t;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/**
 * Token buckets keyed by a string (e.g. client IP), bounded in number.
 *
 * @example
 * ```ts
 * const perIp = new KeyedRateLimiter({ ratePerSecond: 1, burst: 2, maxKeys: 10_000 });
 * perIp.take("127.0.0.1"); // true
 * perIp.take("127.0.0.1"); // true
 * perIp.take("127.0.0.1"); // false: answer 429
 * perIp.take("10.0.0.1"); // true: each address has its own bucket
 * ```
 */
export class KeyedRateLimiter {
  #buckets: BoundedMap<string, TokenBucket>;
  constructor(readonly options: { ratePerSecond: number; burst: number; maxKeys: number }) {
    this.#buckets = new BoundedMap({ maxSize: options.maxKeys, ttlMs: 10 * 60_000 });
  }

  /** Takes one token from `key`'s bucket. */
  take(key: string): boolean {
    let b = this.#buckets.get(key);
    if (!b) {
      b = new TokenBucket(this.options.ratePerSecond, this.options.burst);
      this.#buckets.set(key, b);
    }
    return b.take();
  }
}
