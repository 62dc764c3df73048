/**
 * A Map with a hard size cap and an optional time-to-live, for every piece of server state that
 * a client can make grow (nonces, sessions, caches). When full, the oldest entry is evicted.
 * @module
 */

/** Options of {@linkcode BoundedMap}. */
export interface BoundedMapOptions<K = unknown, V = unknown> {
  /** Most entries kept; inserting beyond it evicts the oldest. */
  maxSize: number;
  /** Entries older than this many milliseconds read as missing (0 = no expiry). */
  ttlMs?: number;
  /** Clock, in milliseconds (tests pass their own). */
  now?: () => number;
  /** Called with each entry dropped by age or evicted for room (not for `delete`/`take`). */
  onDrop?: (key: K, value: V) => void;
}

/**
 * Insertion-ordered map with a size cap and TTL. `get` refreshes nothing: an entry expires
 * `ttlMs` after it was last `set`.
 *
 * @example
 * ```ts
 * const m = new BoundedMap<string, number>({ maxSize: 2 });
 * m.set("a", 1); m.set("b", 2); m.set("c", 3); // "a" is evicted
 * ```
 */
export class BoundedMap<K, V> {
  #entries = new Map<K, { value: V; at: number }>();
  #maxSize: number;
  #ttlMs: number;
  #now: () => number;
  #onDrop: ((key: K, value: V) => void) | undefined;

  constructor(options: BoundedMapOptions<K, V>) {
    if (!Number.isSafeInteger(options.maxSize) || options.maxSize < 1) {
      throw new RangeError("Cannot create BoundedMap: maxSize must be a positive integer");
    }
    this.#maxSize = options.maxSize;
    this.#ttlMs = options.ttlMs ?? 0;
    this.#now = options.now ?? Date.now;
    this.#onDrop = options.onDrop;
  }

  /** Number of entries held (expired ones included until touched or swept). */
  get size(): number {
    return this.#entries.size;
  }

  /** The live value for `key`, or undefined when missing or expired. */
  get(key: K): V | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (this.#expired(e.at)) {
      this.#entries.delete(key);
      this.#onDrop?.(key, e.value);
      return undefined;
    }
    return e.value;
  }

  /** Whether a live entry exists. */
  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  /** Sets `key` (moving it to the newest position), evicting the oldest entries when full. */
  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, at: this.#now() });
    while (this.#entries.size > this.#maxSize) {
      const [oldest, e] = this.#entries.entries().next().value as [K, { value: V }];
      this.#entries.delete(oldest);
      this.#onDrop?.(oldest, e.value);
    }
  }

  /** Removes `key`; returns whether a live entry was removed. */
  delete(key: K): boolean {
    return this.take(key) !== undefined;
  }

  /** Removes and returns the live value for `key` (for single-use entries such as nonces). */
  take(key: K): V | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    this.#entries.delete(key);
    if (!this.#expired(e.at)) return e.value;
    this.#onDrop?.(key, e.value);
    return undefined;
  }

  /** Drops expired entries; call from a timer to keep memory at its live size. */
  sweep(): void {
    for (const [k, e] of this.#entries) {
      if (this.#expired(e.at)) {
        this.#entries.delete(k);
        this.#onDrop?.(k, e.value);
      }
    }
  }

  /** Removes everything. */
  clear(): void {
    this.#entries.clear();
  }

  #expired(at: number): boolean {
    return this.#ttlMs > 0 && this.#now() - at >= this.#ttlMs;
  }
}
