/**
 * Budgets of upstream chain reads: each read the server makes on someone's behalf (a join of a
 * room it has not cached, a relay check, a room page) costs a token from that address's bucket
 * and from that IP group's bucket. A client that makes up room ids or sends offers without a
 * commitment therefore drives at most its budget of `eth_call`s, whatever number of fresh keys
 * it signs in with.
 * @module
 */
import { KeyedRateLimiter } from "./token_bucket.ts";

/** Who a read is made for: the signed-in address (lower case; "" when signed out) and the
 * client's IP group (`clientIp`). A signaling `Peer` fits. */
export interface Requester {
  readonly key: string;
  readonly ip: string;
}

/**
 * Thrown when a requester's budget of chain reads is spent; the signaling layer sends
 * `rate-limited` (a strike), the room page a 429.
 *
 * @example
 * ```ts
 * const e = new ReadBudgetError();
 * e.message; // "Cannot check the chain: too many lookups from you; slow down"
 * ```
 */
export class ReadBudgetError extends Error {
  override name = "ReadBudgetError";
  constructor() {
    super("Cannot check the chain: too many lookups from you; slow down");
  }
}

/** Options of {@linkcode ReadBudget}. */
export interface ReadBudgetOptions {
  perAddress: { ratePerSecond: number; burst: number };
  perIp: { ratePerSecond: number; burst: number };
  /** Most buckets of each kind. */
  maxKeys: number;
  now?: () => number;
}

/**
 * Per-address and per-IP token buckets for chain reads.
 *
 * @example
 * ```ts
 * const budget = new ReadBudget({
 *   perAddress: { ratePerSecond: 2, burst: 40 },
 *   perIp: { ratePerSecond: 20, burst: 200 },
 *   maxKeys: 100_000,
 * });
 * if (!budget.take({ key: "0xabc…", ip: "203.0.113.7" })) throw new Error("over budget");
 * ```
 */
export class ReadBudget {
  #address: KeyedRateLimiter;
  #ip: KeyedRateLimiter;

  constructor(o: ReadBudgetOptions) {
    this.#address = new KeyedRateLimiter({ ...o.perAddress, maxKeys: o.maxKeys, now: o.now });
    this.#ip = new KeyedRateLimiter({ ...o.perIp, maxKeys: o.maxKeys, now: o.now });
  }

  /** Takes one read from both budgets, or none when either is empty. */
  take(r: Requester): boolean {
    if (r.key !== "" && !this.#address.ready(r.key)) return false;
    if (!this.#ip.take(r.ip)) return false;
    return r.key === "" || this.#address.take(r.key);
  }
}
