/**
 * Typed reads of the RoomRegistry for the server and the browser (viem only, no Deno APIs).
 *
 * @example
 * ```ts
 * const room = await readRoom(publicClient, registry, roomId);
 * if (room && !room.closed) {
 *   const current = await readCommitment(publicClient, registry, roomId, member);
 * }
 * ```
 * @module
 */
import type { Hex, PublicClient } from "viem";
import { roomRegistryAbi } from "./registry_abi.ts";

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
const ZERO_ROOT: Hex = `0x${"00".repeat(32)}`;

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

/** A member's current key commitment in a room, as stored. */
export interface StoredCommitment {
  /** The leading 24 bytes of the full commitment (see `storedCommitment` in app/core). */
  commitment: Hex;
  /** The block the commitment was made in. */
  blockNumber: bigint;
}

/**
 * Reads a room.
 *
 * @param client A viem public client on the registry's chain.
 * @param registry The RoomRegistry address.
 * @param roomId The room id (32 bytes).
 * @returns The room, or null when no room has that id.
 */
export async function readRoom(
  client: PublicClient,
  registry: Hex,
  roomId: Hex,
): Promise<RoomInfo | null> {
  const [creator, membersRoot, expiresAt, closed] = await client.readContract({
    address: registry,
    abi: roomRegistryAbi,
    functionName: "rooms",
    args: [roomId],
  });
  if (creator === ZERO_ADDRESS) return null;
  return {
    roomId,
    creator,
    membersRoot,
    expiresAt,
    closed,
    membersOnly: membersRoot !== ZERO_ROOT,
  };
}

/**
 * Reads a member's current commitment in a room.
 *
 * @param client A viem public client on the registry's chain.
 * @param registry The RoomRegistry address.
 * @param roomId The room id (32 bytes).
 * @param member The member's address.
 * @returns The stored commitment (24 bytes) and its block, or null when there is none.
 */
export async function readCommitment(
  client: PublicClient,
  registry: Hex,
  roomId: Hex,
  member: Hex,
): Promise<StoredCommitment | null> {
  const [commitment, blockNumber] = await client.readContract({
    address: registry,
    abi: roomRegistryAbi,
    functionName: "commitmentOf",
    args: [roomId, member],
  });
  if (blockNumber === 0n) return null;
  return { commitment: commitment.toLowerCase() as Hex, blockNumber };
}
