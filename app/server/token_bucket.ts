/**
 * Token buckets for rate limits: one per socket for frames, one per IP for sign-in requests,
 * per address and per IP for chain reads.
 * @module
 */

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
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Whether a token could be taken now (takes none). */
  ready(): boolean {
    this.#refill();
    return this.#tokens >= 1;
  }

  /** Whether the bucket has refilled completely: then it is the same as a new one. */
  full(): boolean {
    this.#refill();
    return this.#tokens >= this.burst;
  }

  #refill(): void {
    const t = this.now();
    this.#tokens = Math.min(
      this.burst,
      this.#tokens + ((t - this.#last) / 1000) * this.ratePerSecond,
    );
    this.#last = t;
  }
}

/** Options of {@linkcode KeyedRateLimiter}. */
export interface KeyedRateLimiterOptions {
  ratePerSecond: number;
  burst: number;
  /** Most buckets held. */
  maxKeys: number;
  /** Clock in ms (tests pass their own). */
  now?: () => number;
}

/**
 * Token buckets keyed by a string (a client IP group, an address), bounded in number. Only
 * buckets that have refilled are ever dropped (a full bucket is the same as none), so flooding
 * the limiter with new keys cannot reset anyone's bucket; when every bucket is still in use,
 * new keys are refused until some refill (fail closed).
 *
 * @example
 * ```ts
 * const perIp = new KeyedRateLimiter({ ratePerSecond: 1, burst: 2, maxKeys: 100_000 });
 * perIp.take("127.0.0.1"); // true
 * perIp.take("127.0.0.1"); // true
 * perIp.take("127.0.0.1"); // false: answer 429
 * perIp.take("10.0.0.1"); // true: each address has its own bucket
 * ```
 */
export class KeyedRateLimiter {
  #buckets = new Map<string, TokenBucket>();
  #now: () => number;
  #nextSweep = -Infinity;

  constructor(readonly options: KeyedRateLimiterOptions) {
    this.#now = options.now ?? performance.now.bind(performance);
  }

  /** Takes one token from `key`'s bucket. */
  take(key: string): boolean {
    let b = this.#buckets.get(key);
    if (!b) {
      if (this.#buckets.size >= this.options.maxKeys && !this.#makeRoom()) return false;
      b = new TokenBucket(this.options.ratePerSecond, this.options.burst, this.#now);
      this.#buckets.set(key, b);
    }
    return b.take();
  }

  /** Whether `key` could take a token now (takes none, creates no bucket). */
  ready(key: string): boolean {
    const b = this.#buckets.get(key);
    return b ? b.ready() : this.#buckets.size < this.options.maxKeys || this.#makeRoom();
  }

  /** Buckets held. */
  get size(): number {
    return this.#buckets.size;
  }

  /** Drops the buckets that have refilled completely. */
  sweep(): void {
    for (const [k, b] of this.#buckets) if (b.full()) this.#buckets.delete(k);
  }

  /** Sweeps (at most once a second when sweeping frees nothing); true when a key fits. */
  #makeRoom(): boolean {
    const t = this.#now();
    if (t < this.#nextSweep) return false;
    this.sweep();
    if (this.#buckets.size < this.options.maxKeys) return true;
    this.#nextSweep = t + 1000;
    return false;
  }
}
