/**
 * A room as the RoomRegistry holds it, and the rules every layer applies to it: its id
 * (`keccak256(abi.encode(creator, salt))`, as the contract computes it) and its status (open,
 * closed by its creator, or past its expiry). The server, the browser engine, the pages and the
 * islands all decide "can this room be used now" with {@linkcode roomStatus}.
 *
 * @example
 * ```ts
 * import { roomIdOf, roomStatus } from "./room.ts";
 * const creator = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
 * const roomId = roomIdOf(creator, `0x${"11".repeat(32)}`);
 * const room = {
 *   roomId, creator, membersRoot: `0x${"00".repeat(32)}`, expiresAt: 0n, closed: false,
 *   membersOnly: false,
 * } as const;
 * roomStatus(room, 1_700_000_000); // "open"
 * ```
 * @module
 */
import { type Address, encodeAbiParameters, type Hex, keccak256 } from "viem";

/** The members root of an open room. */
export const ZERO_ROOT: Hex = `0x${"00".repeat(32)}`;

/** A room as the registry holds it. */
export interface RoomInfo {
  /** The on-chain room id, `keccak256(abi.encode(creator, salt))`. */
  roomId: Hex;
  /** The address that created the room (and alone may close it). */
  creator: Hex;
  /** Merkle root of the member addresses; zero for an open room. */
  membersRoot: Hex;
  /** Unix time (seconds) from which the room takes no commitments; 0n for never. */
  expiresAt: bigint;
  /** Whether the creator closed the room. */
  closed: boolean;
  /** Whether only members of `membersRoot` may commit (`membersRoot` is not zero). */
  membersOnly: boolean;
}

/** A member's current key commitment in a room, as the registry stores it. */
export interface StoredCommitment {
  /** The leading 24 bytes of the full commitment (see `storedCommitment` in app/core). */
  commitment: Hex;
  /** The block the commitment was made in. */
  blockNumber: bigint;
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
 * import { roomStatus } from "./room.ts";
 * roomStatus({ closed: false, expiresAt: 100n }, 99); // "open"
 * roomStatus({ closed: false, expiresAt: 100n }, 100); // "expired"
 * roomStatus({ closed: true, expiresAt: 0n }, 0); // "closed"
 * ```
 */
export function roomStatus(
  room: Pick<RoomInfo, "closed" | "expiresAt">,
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
 * import { roomRefusalSentence } from "./room.ts";
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
 * import { roomRefusal } from "./room.ts";
 * roomRefusal(null, 0); // "room-not-found"
 * roomRefusal({ closed: true, expiresAt: 0n }, 0); // "room-closed"
 * roomRefusal({ closed: false, expiresAt: 0n }, 0); // null
 * ```
 */
export function roomRefusal(
  room: Pick<RoomInfo, "closed" | "expiresAt"> | null,
  nowSeconds: number,
): RoomRefusal | null {
  if (!room) return "room-not-found";
  const status = roomStatus(room, nowSeconds);
  return status === "open" ? null : `room-${status}`;
}

/**
 * The room id the registry gives `creator`'s room made with `salt`.
 *
 * @param creator The creating wallet.
 * @param salt 32 bytes.
 * @returns `keccak256(abi.encode(creator, salt))`.
 *
 * @example
 * ```ts
 * import { roomIdOf } from "./room.ts";
 * roomIdOf("0x70997970C51812dc3A010C7d01b50e0d17dc79C8", `0x${"11".repeat(32)}`).length; // 66
 * ```
 */
export function roomIdOf(creator: Address, salt: Hex): Hex {
  return keccak256(
    encodeAbiParameters([{ type: "address" }, { type: "bytes32" }], [creator, salt]),
  );
}
