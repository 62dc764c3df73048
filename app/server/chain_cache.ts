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
import type { RoomInfo } from "../chain/registry.ts";
import { BoundedMap } from "./bounded_map.ts";

/** A commitment as known: its stored 24 bytes and the block it was made in. */
export interface KnownCommitment {
  commitment: Hex;
  block: bigint;
}

/** Options of {@linkcode ChainCache}. */
export interface ChainCacheOptions {
  /** Cap on each map (rooms, commitments, their negative answers, closes). */
  maxEntries: number;
  /** How long a negative answer ("no such room", "no commitment") is kept, in ms. */
  negativeTtlMs: number;
  now?: () => number;
}

/** The cache key of a member's commitment in a room. */
export function commitmentKey(roomId: Hex, member: string): string {
  return `${roomId.toLowerCase()}:${member.toLowerCase()}`;
}

/**
 * Rooms and commitments: known (a value), known absent (null), or unknown (undefined).
 *
 * @example
 * ```ts
 * const cache = new ChainCache({ maxEntries: 1000, negativeTtlMs: 10_000 });
 * const epoch = cache.epoch;
 * cache.readRoom(roomId, await readRoom(client, registry, roomId), epoch);
 * cache.room(roomId); // the room, null (known absent) or undefined (ask the chain)
 * ```
 */
export class ChainCache {
  /** Bumped when a reorg made the view forget; reads started before are not cached. */
  epoch = 0;
  #rooms: BoundedMap<Hex, RoomInfo>;
  #noRoom: BoundedMap<Hex, true>;
  #closed: BoundedMap<Hex, true>;
  #commitments: BoundedMap<string, KnownCommitment>;
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
  commitment(key: string): KnownCommitment | null | undefined {
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
    if (!known || known.block <= block) this.#commitments.set(key, { commitment, block });
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
   * @returns The stored 24 bytes of the newest commitment known, or null.
   */
  readCommitment(key: string, read: KnownCommitment | null, epoch: number): Hex | null {
    const known = this.#commitments.get(key);
    const newest = !read || (known && known.block >= read.block) ? known : read;
    if (epoch === this.epoch) {
      if (newest) {
        this.#noCommitment.delete(key);
        if (newest !== known) this.#commitments.set(key, newest);
      } else {
        this.#noCommitment.set(key, true);
      }
    }
    return newest?.commitment ?? null;
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
