/**
 * Peers' commitments read ahead (issue 11, setup time): a peer's room and commitment are read
 * from the chain when it appears in the room (the `joined` list, a `presence`), so that when its
 * offer or answer arrives the check is a comparison with a value already read, not a chain round
 * trip on the way to the first message.
 *
 * The freshness rule (docs/PROTOCOL.md section 5, docs/DECISIONS.md "Pre-read commitments"): a
 * pre-read is used only while it is younger than {@linkcode PREREAD_MAX_AGE_MS} and no newer block
 * has been seen by the session's chain watch since it was asked; otherwise (missing, failed,
 * stale) the link reads the chain then, as before. A pre-read only lets a description be applied
 * early: the link reads the chain again meanwhile and does not open before that read agrees
 * (link_verify.ts, `checkFirstDescription`).
 * @module
 */
import type { Address, Hex } from "viem";
import { checkMember, type CommitmentReader } from "../chain/offer_check.ts";
import type { StoredCommitment } from "../chain/room.ts";

/** A pre-read older than this is not used (ms): the chain is read again. */
export const PREREAD_MAX_AGE_MS = 5_000;

interface Entry {
  read: Promise<StoredCommitment>;
  /** `performance.now()` when it was asked. */
  at: number;
  /** The block generation it was asked in (see {@linkcode CommitmentPreread.blockSeen}). */
  generation: number;
  ok: boolean | null;
}

/**
 * The pre-read commitments of one room session's peers.
 *
 * @example
 * ```ts
 * import { CommitmentPreread } from "./commitment_preread.ts";
 * import type { CommitmentReader } from "../chain/offer_check.ts";
 * const reader: CommitmentReader = {
 *   room: () => Promise.resolve(null), // no such room: the pre-read is refused
 *   commitment: () => Promise.resolve(null),
 *   nowSeconds: () => 0,
 * };
 * const peer = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
 * const preread = new CommitmentPreread(reader, `0x${"ab".repeat(32)}`);
 * preread.read(peer).catch(() => {});
 * await new Promise((r) => setTimeout(r, 0));
 * preread.usable(peer); // null: a failed pre-read is not used
 * ```
 */
export class CommitmentPreread {
  #reader: CommitmentReader;
  #roomId: Hex;
  #maxAgeMs: number;
  #entries = new Map<string, Entry>();
  #generation = 0;
  #head: bigint | null = null;

  /**
   * @param reader Where the chain is read (the wallet's provider).
   * @param roomId The room.
   * @param maxAgeMs Oldest usable pre-read, ms (default {@linkcode PREREAD_MAX_AGE_MS}).
   */
  constructor(reader: CommitmentReader, roomId: Hex, maxAgeMs = PREREAD_MAX_AGE_MS) {
    this.#reader = reader;
    this.#roomId = roomId;
    this.#maxAgeMs = maxAgeMs;
  }

  /**
   * Reads the peer's room and commitment now (it appeared in the room) and keeps the read.
   *
   * @param peer The peer's address.
   * @returns The read: the stored commitment, or the refusal (`OfferRefusedError`) or
   *   `ChainUnavailableError` of `checkMember`.
   */
  read(peer: Address): Promise<StoredCommitment> {
    // Entries past the maximum age are of no use: the map holds only recent peers.
    const now = performance.now();
    for (const [k, e] of this.#entries) if (now - e.at > this.#maxAgeMs) this.#entries.delete(k);
    const entry: Entry = {
      read: checkMember(this.#reader, this.#roomId, peer),
      at: now,
      generation: this.#generation,
      ok: null,
    };
    entry.read.then(() => entry.ok = true, () => entry.ok = false);
    this.#entries.set(peer.toLowerCase(), entry);
    return entry.read;
  }

  /**
   * The peer's pre-read when the freshness rule allows it: asked since the last new block the
   * watch saw, younger than the maximum age, and not failed (one still under way is given).
   *
   * @param peer The peer's address.
   * @returns The read, or null: read the chain instead.
   */
  usable(peer: Address): Promise<StoredCommitment> | null {
    const e = this.#entries.get(peer.toLowerCase());
    if (!e || e.ok === false || e.generation !== this.#generation) return null;
    if (performance.now() - e.at > this.#maxAgeMs) return null;
    return e.read;
  }

  /**
   * The session's chain watch read the head: a block newer than the last one seen makes every
   * pre-read asked before it stale (the first head read only sets the mark).
   *
   * @param head The block number read.
   * @returns True when the head is new to the session (the first, or newer than the last):
   *   verified links should be checked against the chain again.
   */
  blockSeen(head: bigint): boolean {
    const first = this.#head === null;
    if (!first && head <= this.#head!) return false;
    if (!first) this.#generation++;
    this.#head = head;
    return true;
  }
}
