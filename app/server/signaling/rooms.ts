/**
 * The hub's room state: which member (one socket per wallet address) is in which room, and which
 * member's offer or answer was relayed to which other member (ICE follows only those). Policy
 * (caps, the chain, who is told what) stays in the hub; this is the state alone.
 *
 * {@linkcode RoomState} is what the hub needs; {@linkcode MemoryRooms} keeps it in this process.
 * `ClusterRooms` (app/server/state/cluster_rooms.ts) shares membership between instances.
 * @module
 */
import type { Address, Hex } from "viem";

/** What a room holds of a member: its key (the wallet address in lower case). */
export interface RoomMember {
  readonly key: string;
}

/** A room as the hub reads it. */
export interface RoomView<M extends RoomMember> {
  /** Members in the room. */
  readonly size: number;
  /** The member with this key, if in the room. */
  member(key: string): M | undefined;
  /** Every member. */
  members(): IterableIterator<M>;
  /** Whether `from`'s offer or answer was relayed to `to` (keys). */
  hasDescribed(from: string, to: string): boolean;
}

/** Sizes of the room state. */
export interface RoomStats {
  /** Rooms with at least one member. */
  rooms: number;
  /** Memberships over all rooms. */
  members: number;
  /** Relayed-description pairs over all rooms. */
  pairs: number;
}

/** The room state, as the hub uses it. */
export interface RoomState<M extends RoomMember> {
  /** The room, or undefined when nobody is in it. */
  room(roomId: Hex): RoomView<M> | undefined;
  /**
   * Puts `member` in the room (in place of any member with its key).
   *
   * @returns The other members, and whether its key was not in the room before.
   */
  add(roomId: Hex, member: M): { others: M[]; fresh: boolean };
  /**
   * Takes `member` out of the room and forgets its pairs both ways.
   *
   * @returns The members left, or undefined when `member` was not in the room.
   */
  remove(roomId: Hex, member: M): M[] | undefined;
  /** Notes that `from`'s description was relayed to `to` (keys). */
  describe(roomId: Hex, from: string, to: string): void;
  /** Empties and forgets the room; returns who was in it. */
  close(roomId: Hex): M[];
  /** Sizes, for tests and load checks. */
  stats(): RoomStats;
  /** Whether `key` is a member of the room on any instance, asked of the shared state (several
   * instances only: {@linkcode RoomState.room} holds only the rooms this instance's sockets are
   * in; throws a StateUnavailableError when it cannot be reached). */
  hasMember?(roomId: Hex, key: string): Promise<boolean>;
  /** Makes the room's members on other instances readable before a join reads the room
   * (several instances only; throws a StateUnavailableError when they cannot be reached). */
  prepare?(roomId: Hex): Promise<void>;
  /** Calls `f` with the members to tell when a member on another instance is gone without
   * leaving (its instance died), or back after its instance was taken for dead (several
   * instances only). */
  onRemotePresence?(
    f: (roomId: Hex, address: Address, state: "joined" | "left", tell: M[]) => void,
  ): void;
}

class Room<M extends RoomMember> implements RoomView<M> {
  readonly byKey = new Map<string, M>();
  /** from → the keys `to` that from's offer/answer was relayed to. */
  readonly described = new Map<string, Set<string>>();

  get size(): number {
    return this.byKey.size;
  }

  member(key: string): M | undefined {
    return this.byKey.get(key);
  }

  members(): IterableIterator<M> {
    return this.byKey.values();
  }

  hasDescribed(from: string, to: string): boolean {
    return this.described.get(from)?.has(to) ?? false;
  }
}

/**
 * {@linkcode RoomState} in this process's memory.
 *
 * @example
 * ```ts
 * const rooms = new MemoryRooms<{ key: string }>();
 * const roomId = `0x${"ab".repeat(32)}` as const;
 * const alice = { key: "0xaa" }, bob = { key: "0xbb" };
 * rooms.add(roomId, alice); // { others: [], fresh: true }
 * rooms.add(roomId, bob); // { others: [alice], fresh: true }
 * rooms.describe(roomId, "0xaa", "0xbb");
 * rooms.room(roomId)?.hasDescribed("0xaa", "0xbb"); // true
 * rooms.remove(roomId, bob); // [alice]; the pair is forgotten
 * ```
 */
export class MemoryRooms<M extends RoomMember> implements RoomState<M> {
  #rooms = new Map<Hex, Room<M>>();

  room(roomId: Hex): RoomView<M> | undefined {
    return this.#rooms.get(roomId);
  }

  add(roomId: Hex, member: M): { others: M[]; fresh: boolean } {
    let room = this.#rooms.get(roomId);
    if (!room) this.#rooms.set(roomId, room = new Room());
    const others = [...room.byKey.values()].filter((m) => m !== member);
    const fresh = !room.byKey.has(member.key);
    room.byKey.set(member.key, member);
    return { others, fresh };
  }

  remove(roomId: Hex, member: M): M[] | undefined {
    const room = this.#rooms.get(roomId);
    if (!room || room.byKey.get(member.key) !== member) return undefined;
    room.byKey.delete(member.key);
    room.described.delete(member.key);
    for (const [from, to] of room.described) {
      to.delete(member.key);
      if (to.size === 0) room.described.delete(from);
    }
    if (room.byKey.size === 0) this.#rooms.delete(roomId);
    return [...room.byKey.values()];
  }

  describe(roomId: Hex, from: string, to: string): void {
    const room = this.#rooms.get(roomId);
    if (!room) return;
    let described = room.described.get(from);
    if (described === undefined) room.described.set(from, described = new Set());
    described.add(to);
  }

  close(roomId: Hex): M[] {
    const room = this.#rooms.get(roomId);
    if (!room) return [];
    this.#rooms.delete(roomId);
    return [...room.byKey.values()];
  }

  stats(): RoomStats {
    let members = 0, pairs = 0;
    for (const r of this.#rooms.values()) {
      members += r.byKey.size;
      for (const to of r.described.values()) pairs += to.size;
    }
    return { rooms: this.#rooms.size, members, pairs };
  }
}
