/**
 * A memo of the pure part of the offer check (`describeKeys` in app/chain/offer_check.ts): the
 * keys a description carries and the full commitment they stand for, recomputed from the sender's
 * address, its public keys and its SDP's DTLS fingerprint (keccak-256 of the ML-KEM key and of
 * the preimage, plus reading the SDP). The same
 * description often comes again (a client resends an offer that got no answer, a replay), and
 * renegotiation keeps the keys. Only what is a pure function of its inputs is kept: the
 * comparison with the sender's current on-chain commitment is made every time, so a re-commit is
 * seen at once.
 * @module
 */
import type { Address, Hex } from "viem";
import {
  type DescribedKeys,
  describeKeys,
  type Description,
  type OfferContext,
} from "../../chain/offer_check.ts";
import { BoundedMap } from "../bounded_map.ts";

/** Options of {@linkcode CommitmentMemo}. */
export interface CommitmentMemoOptions {
  chainId: number;
  registry: Address;
  /** Most descriptions kept; the oldest go first. Default 2,048. */
  maxEntries?: number;
  /** Longest SDP kept, in characters (longer ones are read every time). Default 2,048: a
   * data-channel SDP is about 1 KB, and the keys kept stay under maxEntries × this (4 MiB,
   * 8 MiB in two-byte characters). */
  maxSdpLength?: number;
}

/**
 * {@linkcode describeKeys}, memoised per description.
 *
 * @example
 * ```ts ignore
 * const memo = new CommitmentMemo({ chainId: 31337, registry });
 * const { commitment } = memo.describe({ roomId, member }, { publicKey, kemKey, sdp });
 * ```
 */
export class CommitmentMemo {
  #chainId: number;
  #registry: Address;
  #maxSdpLength: number;
  /** `roomId member publicKey kemKey sdp` → the described keys. */
  #described: BoundedMap<string, DescribedKeys>;

  constructor(o: CommitmentMemoOptions) {
    this.#chainId = o.chainId;
    this.#registry = o.registry;
    this.#maxSdpLength = o.maxSdpLength ?? 2048;
    this.#described = new BoundedMap({ maxSize: o.maxEntries ?? 2048 });
  }

  /**
   * The keys and commitment of a description, as `describeKeys` gives them.
   *
   * @param at The room id (lower-case hex, as parsed) and the sender's address.
   * @param d The description as sent (keys in base64url, the SDP).
   * @throws {OfferRefusedError} With reason `bad-key`, `bad-kem-key` or `bad-sdp` (never
   *   memoised).
   */
  describe(at: Pick<OfferContext, "roomId" | "member">, d: Description): DescribedKeys {
    const { roomId, member } = at;
    const { publicKey, kemKey, sdp } = d;
    if (sdp.length > this.#maxSdpLength) return this.#compute(at, d);
    // Keys and values kept here are flat strings: built by `+`, a key is a tree of its parts,
    // and a commitment's hex, built by `+=`, a tree of 32 two-character strings (about 1.7 KB
    // instead of 80 bytes); thousands are kept (issue 10: most of the heap a long fuzz run kept).
    const id = [roomId, member.toLowerCase(), publicKey, kemKey, sdp].join(" ");
    let described = this.#described.get(id);
    if (described === undefined) {
      const k = this.#compute(at, d);
      described = { ...k, commitment: flat(k.commitment) as Hex };
      this.#described.set(id, described);
    }
    return described;
  }

  #compute(at: Pick<OfferContext, "roomId" | "member">, d: Description): DescribedKeys {
    return describeKeys({ chainId: this.#chainId, registry: this.#registry, ...at }, d);
  }
}

/** A flat copy of a string that may be a tree of concatenations. */
function flat(s: string): string {
  return Array.from(s).join("");
}
