/**
 * What the chain view knows of rooms and commitments, and the rules that keep newer knowledge
 * from being overwritten by older: on one chain a room only goes absent → open → closed, and a
 * member's commitment only moves to a later block. So a read answered before an event never
 * undoes it (a close seen for a room that was not cached is kept too), and answers of "no such
 * room" / "no commitment" are kept briefly, until an event says otherwise. A reorg is the one
 * way back; the view then forgets what the reorged blocks touched and bumps `epoch`, and reads
 * started before that are not cached.
 * @module
 */
import type { Hex } from "viem";
import type { RoomInfo, StoredCommitment } from "../chain/room.ts";
import { BoundedMap } from "./bounded_map.ts";

/** Options of {@linkcode ChainCache}. */
export interface ChainCacheOptions {
  /** Cap on each map (rooms, commitments, their negative answers, closes). */
  maxEntries: number;
  /** How long a negative answer ("no such room", "no commitment") is kept, in ms. */
  negativeTtlMs: number;
  now?: () => number;
}

/**
 * The cache key of a member's commitment in a room.
 *
 * @example
 * ```ts
 * commitmentKey(`0x${"AB".repeat(32)}`, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
 * // "0xabab…ab:0x70997970c51812dc3a010c7d01b50e0d17dc79c8"
 * ```
 */
export function commitmentKey(roomId: Hex, member: string): string {
  return `${roomId.toLowerCase()}:${member.toLowerCase()}`;
}

/**
 * Rooms and commitments: known (a value), known absent (null), or unknown (undefined).
 *
 * @example
 * ```ts
 * const cache = new ChainCache({ maxEntries: 1000, negativeTtlMs: 10_000 });
 * const roomId = `0x${"ab".repeat(32)}` as const;
 * cache.room(roomId); // undefined: unknown, ask the chain
 * const epoch = cache.epoch; // taken before the read starts
 * cache.readRoom(roomId, null, epoch); // the read answered "no such room"
 * cache.room(roomId); // null: known absent for a while, no second read
 * ```
 */
export class ChainCache {
  /** Bumped when a reorg made the view forget; reads started before are not cached. */
  epoch = 0;
  #rooms: BoundedMap<Hex, RoomInfo>;
  #noRoom: BoundedMap<Hex, true>;
  #closed: BoundedMap<Hex, true>;
  #commitments: BoundedMap<string, StoredCommitment>;
  #noCommitment: BoundedMap<string, true>;

  constructor(o: ChainCacheOptions) {
    const max = o.maxEntries;
    this.#rooms = new BoundedMap({ maxSize: max, now: o.now });
    this.#closed = new BoundedMap({ maxSize: max, now: o.now });
    this.#commitments = new BoundedMap({ maxSize: max, now: o.now });
    // Negative answers in maps of their own: flooding them with made-up ids evicts only them.
    this.#noRoom = new BoundedMap({ maxSize: max, ttlMs: o.negativeTtlMs, now: o.now });
    this.#noCommitment = new BoundedMap({ maxSize: max, ttlMs: o.negativeTtlMs, now: o.now });
  }

  /** The room, null when known absent, undefined when unknown. */
  room(roomId: Hex): RoomInfo | null | undefined {
    return this.#rooms.get(roomId) ?? (this.#noRoom.has(roomId) ? null : undefined);
  }

  /** The commitment, null when known absent, undefined when unknown. */
  commitment(key: string): StoredCommitment | null | undefined {
    return this.#commitments.get(key) ?? (this.#noCommitment.has(key) ? null : undefined);
  }

  /** Whether a live negative answer says the member has no commitment. */
  knownWithout(key: string): boolean {
    return this.#commitments.get(key) === undefined && this.#noCommitment.has(key);
  }

  /** A `RoomCreated` event. */
  roomCreated(room: RoomInfo): void {
    this.#noRoom.delete(room.roomId);
    this.#rooms.set(room.roomId, this.#closed.has(room.roomId) ? { ...room, closed: true } : room);
  }

  /** A `RoomClosed` event, also for a room that is not cached (a read in flight may return). */
  roomClosed(roomId: Hex): void {
    this.#closed.set(roomId, true);
    const room = this.#rooms.get(roomId);
    if (room && !room.closed) this.#rooms.set(roomId, { ...room, closed: true });
  }

  /** A `KeyCommitted` event (stored 24 bytes) in `block`. */
  keyCommitted(key: string, commitment: Hex, block: bigint): void {
    this.#noCommitment.delete(key);
    const known = this.#commitments.get(key);
    if (!known || known.blockNumber <= block) {
      this.#commitments.set(key, { commitment, blockNumber: block });
    }
  }

  /**
   * A room read's answer, merged with what events said meanwhile.
   *
   * @param epoch {@linkcode ChainCache.epoch} when the read started.
   * @returns The newest knowledge: the answer, or what the cache holds when that is newer.
   */
  readRoom(roomId: Hex, read: RoomInfo | null, epoch: number): RoomInfo | null {
    const known = this.#rooms.get(roomId);
    const closed = this.#closed.has(roomId) || known?.closed === true;
    const merged = read ? (closed && !read.closed ? { ...read, closed } : read) : known ?? null;
    if (epoch !== this.epoch) return merged;
    if (merged) {
      this.#noRoom.delete(roomId);
      if (merged !== known) this.#rooms.set(roomId, merged);
    } else {
      this.#noRoom.set(roomId, true);
    }
    return merged;
  }

  /**
   * A commitment read's answer, merged: the one from the later block wins.
   *
   * @param epoch {@linkcode ChainCache.epoch} when the read started.
   * @returns The newest commitment known (its stored 24 bytes and block), or null.
   */
  readCommitment(
    key: string,
    read: StoredCommitment | null,
    epoch: number,
  ): StoredCommitment | null {
    const known = this.#commitments.get(key);
    const newest = !read || (known && known.blockNumber >= read.blockNumber) ? known : read;
    if (epoch === this.epoch) {
      if (newest) {
        this.#noCommitment.delete(key);
        if (newest !== known) this.#commitments.set(key, newest);
      } else {
        this.#noCommitment.set(key, true);
      }
    }
    return newest ?? null;
  }

  /** Forgets everything about a room (its reorged events). */
  forgetRoom(roomId: Hex): void {
    this.#rooms.delete(roomId);
    this.#noRoom.delete(roomId);
    this.#closed.delete(roomId);
  }

  /** Forgets a member's commitment (its reorged events). */
  forgetCommitment(key: string): void {
    this.#commitments.delete(key);
    this.#noCommitment.delete(key);
  }

  /** Forgets everything (a reorg deeper than the view follows). */
  clear(): void {
    for (
      const m of [this.#rooms, this.#noRoom, this.#closed, this.#commitments, this.#noCommitment]
    ) m.clear();
  }

  /** Entries held, for tests: positive, negative and closes. */
  get sizes(): { rooms: number; noRoom: number; closed: number; commitments: number } {
    return {
      rooms: this.#rooms.size,
      noRoom: this.#noRoom.size,
      closed: this.#closed.size,
      commitments: this.#commitments.size + this.#noCommitment.size,
    };
  }
}
