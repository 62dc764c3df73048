/**
 * The last few blocks the chain view has seen, by number and hash, with the cache entries each
 * one touched: the tip of every poll, the blocks its events came from, and the entries that
 * reads cached since the poll before (their answers may come from blocks the poll has not seen
 * yet). When the chain reorganises, the view finds the newest recorded block that is still on
 * the chain and forgets what every later one touched.
 * @module
 */
import type { Hex } from "viem";

/** Cache entries touched: room ids and commitment keys. */
export interface Touched {
  rooms: Set<Hex>;
  commitments: Set<string>;
}

interface Recorded extends Touched {
  hash: Hex;
}

const touched = (): Touched => ({ rooms: new Set(), commitments: new Set() });

/**
 * Recent blocks and what they touched.
 *
 * @example
 * ```ts
 * const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as const;
 * const roomId = `0x${"ab".repeat(32)}` as const;
 * const w = new BlockWindow(64n);
 * w.touchRoom(12n, hash(12), roomId); // an event of block 12
 * w.settle(13n, hash(13)); // the poll's tip
 * const lost = w.rollback(11n); // blocks 12 and 13 were reorged away
 * lost.rooms.has(roomId); // true: the view forgets it and reads it again
 * ```
 */
export class BlockWindow {
  #blocks = new Map<bigint, Recorded>();
  #pending = touched();
  #tip: { number: bigint; hash: Hex } | undefined;

  /** @param depth How many blocks below the tip are remembered. */
  constructor(readonly depth: bigint) {}

  /** The tip the last poll settled on. */
  get tip(): { number: bigint; hash: Hex } | undefined {
    return this.#tip;
  }

  /** Records that an event of block `number` (hash `hash`) touched a room. */
  touchRoom(number: bigint, hash: Hex, roomId: Hex): void {
    this.#at(number, hash).rooms.add(roomId);
  }

  /** Records that an event of block `number` touched a commitment. */
  touchCommitment(number: bigint, hash: Hex, key: string): void {
    this.#at(number, hash).commitments.add(key);
  }

  /** Records that a read cached a room (its answer may be from a block not polled yet). */
  readRoom(roomId: Hex): void {
    this.#pending.rooms.add(roomId);
  }

  /** Records that a read cached a commitment. */
  readCommitment(key: string): void {
    this.#pending.commitments.add(key);
  }

  /** The poll reached `number` (hash `hash`): reads so far belong to it; older blocks go. */
  settle(number: bigint, hash: Hex): void {
    const at = this.#at(number, hash);
    for (const r of this.#pending.rooms) at.rooms.add(r);
    for (const c of this.#pending.commitments) at.commitments.add(c);
    this.#pending = touched();
    this.#tip = { number, hash };
    for (const n of this.#blocks.keys()) if (n < number - this.depth) this.#blocks.delete(n);
  }

  /** Recorded blocks, newest first. */
  newestFirst(): { number: bigint; hash: Hex }[] {
    return [...this.#blocks].map(([number, r]) => ({ number, hash: r.hash }))
      .sort((a, b) => (a.number < b.number ? 1 : a.number > b.number ? -1 : 0));
  }

  /**
   * Drops every block after `ancestor` (all of them when undefined) and returns what they
   * and the reads since the last poll touched.
   */
  rollback(ancestor: bigint | undefined): Touched {
    const lost = this.#pending;
    this.#pending = touched();
    for (const [n, r] of this.#blocks) {
      if (ancestor !== undefined && n <= ancestor) continue;
      for (const x of r.rooms) lost.rooms.add(x);
      for (const x of r.commitments) lost.commitments.add(x);
      this.#blocks.delete(n);
    }
    const top = ancestor === undefined ? undefined : this.#blocks.get(ancestor);
    this.#tip = top && ancestor !== undefined ? { number: ancestor, hash: top.hash } : undefined;
    return lost;
  }

  #at(number: bigint, hash: Hex): Recorded {
    let r = this.#blocks.get(number);
    if (!r) this.#blocks.set(number, r = { hash, ...touched() });
    // Another hash at the same height keeps what the first touched: forgetting more is safe.
    else r.hash = hash;
    return r;
  }
}
