/**
 * Joins that arrive before their call's ring. In a call of three, X rings Y and Z, and Y's join
 * reaches Z on the Y–Z link while X's ring is still on the X–Z link (each link is its own channel,
 * and sealed frames open asynchronously): Z keeps the join and counts Y in once the ring comes.
 * Bounded, so that a peer sending joins for calls that never ring cannot grow it.
 * @module
 */
import type { Address } from "viem";

/** Calls whose early joins are kept (the oldest go first). */
export const MAX_EARLY_CALLS = 8;
/** Joins kept per call. */
export const MAX_EARLY_JOINS = 32;
/** A join older than this is forgotten (ms): a ring follows its call's joins within moments. */
export const EARLY_JOIN_MAX_AGE_MS = 30_000;

/**
 * The joins heard for calls not rung yet.
 *
 * @example
 * ```ts
 * import { EarlyJoins } from "./early_joins.ts";
 * const early = new EarlyJoins();
 * const y = "0x00000000000000000000000000000000000000cc";
 * early.join("0123456789abcdef0123", y);
 * early.take("0123456789abcdef0123"); // [y]
 * early.take("0123456789abcdef0123"); // []
 * ```
 */
export class EarlyJoins {
  #calls = new Map<string, { at: number; peers: Map<string, Address> }>();
  #now: () => number;

  /** @param now The clock, ms (tests pass their own). */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Keeps `peer`'s join of `call` until the call rings (or it is too old). */
  join(call: string, peer: Address): void {
    this.#forgetOld();
    let entry = this.#calls.get(call);
    if (!entry) {
      if (this.#calls.size >= MAX_EARLY_CALLS) {
        this.#calls.delete(this.#calls.keys().next().value!);
      }
      entry = { at: this.#now(), peers: new Map() };
      this.#calls.set(call, entry);
    }
    if (entry.peers.size < MAX_EARLY_JOINS) entry.peers.set(peer.toLowerCase(), peer);
  }

  /** `peer` left or declined `call` before it rang: its join no longer stands. */
  drop(call: string, peer: Address): void {
    this.#calls.get(call)?.peers.delete(peer.toLowerCase());
  }

  /** The peers that joined `call` before it rang here (each given once). */
  take(call: string): Address[] {
    this.#forgetOld();
    const entry = this.#calls.get(call);
    this.#calls.delete(call);
    return entry ? [...entry.peers.values()] : [];
  }

  #forgetOld(): void {
    const oldest = this.#now() - EARLY_JOIN_MAX_AGE_MS;
    for (const [call, e] of this.#calls) if (e.at < oldest) this.#calls.delete(call);
  }
}
