/**
 * Typed reads of the RoomRegistry for the server and the browser (viem only, no Deno APIs), and
 * {@linkcode registryReader}, the uncached {@linkcode CommitmentReader} the browser checks peers
 * with.
 *
 * @example
 * ```ts ignore
 * // Needs a chain: a viem public client on it, the registry's address, a room id and a member.
 * const room = await readRoom(publicClient, registry, roomId);
 * if (room && !room.closed) {
 *   const current = await readCommitment(publicClient, registry, roomId, member);
 * }
 * ```
 * @module
 */
import { type Address, BaseError, type Hex, type PublicClient } from "viem";
import { ChainUnavailableError } from "./errors.ts";
import type { CommitmentReader } from "./offer_check.ts";
import { roomRegistryAbi } from "./registry_abi.ts";
import { type RoomInfo, type StoredCommitment, ZERO_ROOT } from "./room.ts";

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

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

/**
 * A {@linkcode CommitmentReader} that reads the registry on every call (no cache) and turns any
 * failed read into {@linkcode ChainUnavailableError}. The browser uses it through the wallet's
 * provider: it trusts the chain, not the server. Rooms are judged by this machine's clock.
 *
 * @param client A viem public client on the registry's chain.
 * @param registry The RoomRegistry address.
 * @returns The reader.
 *
 * @example
 * ```ts ignore
 * // Needs a chain: the wallet's public client, and what the peer sent.
 * const reader = registryReader(wallet.publicClient, config.registry);
 * const ctx = { chainId, registry: config.registry, roomId, member: peer };
 * const verified = await checkOffer(reader, ctx, { publicKey, sdp });
 * ```
 */
export function registryReader(client: PublicClient, registry: Address): CommitmentReader {
  return {
    room: (roomId) => chainRead(() => readRoom(client, registry, roomId)),
    commitment: (roomId, member) =>
      chainRead(() => readCommitment(client, registry, roomId, member)),
    nowSeconds: () => Date.now() / 1000,
  };
}

async function chainRead<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    throw new ChainUnavailableError(e instanceof BaseError ? e.shortMessage : String(e));
  }
}
