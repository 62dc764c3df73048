/**
 * What the chain view does with the registry's events and with a reorg: each event goes into
 * the cache and is recorded against its block's hash; a reorg is located by comparing recorded
 * hashes with the chain's, newest first.
 * @module
 */
import type { Hex, PublicClient } from "viem";
import { roomRegistryAbi } from "../chain/registry_abi.ts";
import { ZERO_ROOT } from "../chain/room.ts";
import { storedCommitment } from "../core/commitment.ts";
import type { BlockWindow } from "./block_window.ts";
import { type ChainCache, commitmentKey } from "./chain_cache.ts";

/** The registry's events, for `eth_getLogs`. */
export const REGISTRY_EVENTS = roomRegistryAbi.filter((item) => item.type === "event");

/** Most `eth_getBlockByNumber` calls spent looking for where a reorg forked. */
const MAX_REORG_PROBES = 16;

/** A decoded registry log, as viem's `getLogs` returns it. */
export interface RegistryLog {
  eventName: string;
  // deno-lint-ignore no-explicit-any
  args: any;
  blockNumber: bigint | null;
  blockHash: Hex | null;
}

/**
 * Applies one event to the cache and records which block touched what.
 *
 * @returns The room id when the event closed a room (the hub tells its members), else undefined.
 *
 * @example
 * ```ts ignore
 * // Needs the logs of a registry (viem's getLogs with REGISTRY_EVENTS) and a hub to tell.
 * for (const log of logs) {
 *   const closed = applyEvent(cache, window, log);
 *   if (closed) hub.roomClosed(closed);
 * }
 * ```
 */
export function applyEvent(cache: ChainCache, window: BlockWindow, log: RegistryLog): Hex | void {
  const a = log.args;
  const block = log.blockNumber ?? 0n;
  const hash = log.blockHash ?? "0x";
  if (log.eventName === "KeyCommitted") {
    const key = commitmentKey(a.roomId as Hex, a.member as string);
    cache.keyCommitted(key, storedCommitment(a.commitment), block);
    window.touchCommitment(block, hash, key);
  } else if (log.eventName === "RoomCreated") {
    const roomId = (a.roomId as string).toLowerCase() as Hex;
    cache.roomCreated({
      roomId,
      creator: a.creator,
      membersRoot: a.membersRoot,
      expiresAt: a.expiresAt,
      closed: false,
      membersOnly: (a.membersRoot as string).toLowerCase() !== ZERO_ROOT,
    });
    window.touchRoom(block, hash, roomId);
  } else if (log.eventName === "RoomClosed") {
    const roomId = (a.roomId as string).toLowerCase() as Hex;
    cache.roomClosed(roomId);
    window.touchRoom(block, hash, roomId);
    return roomId;
  }
}

/**
 * The newest recorded block that is still on the chain (at most 16 probes), or undefined when
 * none is: everything after it was reorged away.
 *
 * @param head The chain's head now.
 *
 * @example
 * ```ts ignore
 * // Needs a chain: a viem public client on it, and the view's window of recorded blocks.
 * const ancestor = await findFork(client, window, await client.getBlock({ blockTag: "latest" }));
 * ```
 */
export async function findFork(
  client: PublicClient,
  window: BlockWindow,
  head: { number: bigint | null; hash: Hex | null },
): Promise<bigint | undefined> {
  let probes = 0;
  for (const b of window.newestFirst()) {
    if (head.number === null || b.number > head.number) continue;
    if (probes++ >= MAX_REORG_PROBES) return undefined;
    const hash = b.number === head.number
      ? head.hash
      : (await client.getBlock({ blockNumber: b.number })).hash;
    if (hash === b.hash) return b.number;
  }
  return undefined;
}
