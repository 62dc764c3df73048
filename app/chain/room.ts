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

// Status and refusals live in room_status.ts, which imports no viem code, so pages that only
// judge a room do not ship viem (docs/CLIENT.md, "First load").
export {
  ROOM_REFUSAL_SENTENCES,
  type RoomRefusal,
  roomRefusal,
  roomRefusalSentence,
  type RoomStatus,
  roomStatus,
} from "./room_status.ts";

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
