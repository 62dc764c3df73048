/**
 * Whether a room can be used now (open, closed by its creator, or past its expiry) and why not,
 * in words: the rules the server, the browser engine, the pages and the islands all share. No
 * viem code, so a page can judge a room without shipping it.
 * @module
 */
/** The part of a room its status depends on (`RoomInfo` in room.ts has both fields). */
export interface RoomLifetime {
  /** Whether the creator closed the room. */
  closed: boolean;
  /** Unix time (seconds) from which the room takes no commitments; 0n for never. */
  expiresAt: bigint;
}

/** A room's state at a given time. */
export type RoomStatus = "open" | "closed" | "expired";

/**
 * A room's status at a time: closed wins over expired; a room expires at `expiresAt` itself
 * (the contract refuses commitments from that second on).
 *
 * @param room The room (only `closed` and `expiresAt` are read).
 * @param nowSeconds Unix time in seconds.
 * @returns "open", "closed" or "expired".
 *
 * @example
 * ```ts
 * import { roomStatus } from "./room_status.ts";
 * roomStatus({ closed: false, expiresAt: 100n }, 99); // "open"
 * roomStatus({ closed: false, expiresAt: 100n }, 100); // "expired"
 * roomStatus({ closed: true, expiresAt: 0n }, 0); // "closed"
 * ```
 */
export function roomStatus(
  room: RoomLifetime,
  nowSeconds: number,
): RoomStatus {
  if (room.closed) return "closed";
  if (room.expiresAt !== 0n && BigInt(Math.floor(nowSeconds)) >= room.expiresAt) return "expired";
  return "open";
}

/** Why a room cannot be used: it does not exist, or it is no longer open. */
export type RoomRefusal = "room-not-found" | "room-closed" | "room-expired";

/** Each {@linkcode RoomRefusal} in words, without a leading verb (each caller puts its own:
 * "Cannot join: …", "Cannot relay: …"). */
export const ROOM_REFUSAL_SENTENCES: Readonly<Record<RoomRefusal, string>> = {
  "room-not-found": "there is no such room on chain",
  "room-closed": "the room was closed by its creator",
  "room-expired": "the room has expired",
};

/**
 * A room refusal as a sentence of its own, for people ("The room was closed by its creator.").
 *
 * @example
 * ```ts
 * import { roomRefusalSentence } from "./room_status.ts";
 * roomRefusalSentence("room-expired"); // "The room has expired."
 * ```
 */
export function roomRefusalSentence(refusal: RoomRefusal): string {
  const clause = ROOM_REFUSAL_SENTENCES[refusal];
  return `${clause[0].toUpperCase()}${clause.slice(1)}.`;
}

/**
 * Why a room (as read, or null when none has the id) cannot be used now, or null when it can:
 * the one mapping from room status to refusal that the server's joins and every offer check
 * (server and browser) share.
 *
 * @param room The room, or null.
 * @param nowSeconds Unix time in seconds.
 * @returns The refusal, or null for an open room.
 *
 * @example
 * ```ts
 * import { roomRefusal } from "./room_status.ts";
 * roomRefusal(null, 0); // "room-not-found"
 * roomRefusal({ closed: true, expiresAt: 0n }, 0); // "room-closed"
 * roomRefusal({ closed: false, expiresAt: 0n }, 0); // null
 * ```
 */
export function roomRefusal(
  room: RoomLifetime | null,
  nowSeconds: number,
): RoomRefusal | null {
  if (!room) return "room-not-found";
  const status = roomStatus(room, nowSeconds);
  return status === "open" ? null : `room-${status}`;
}
