/**
 * The server's view of the RoomRegistry: rooms and key commitments cached in memory, fed by the
 * registry's events (polled with `eth_getLogs`), with a direct read when an entry is missing.
 * When the chain cannot be reached the view reports `chain-unavailable` (fail closed) until a
 * poll succeeds again. Checks on the relay path wait for at most one round trip: the reads they
 * may need run in parallel.
 * @module
 */
import {
  type Address,
  type Chain,
  createPublicClient,
  type Hex,
  http,
  type PublicClient,
  type Transport,
} from "viem";
import { chainOf, type ChainSettings } from "../chain/chain.ts";
import { ChainUnavailableError } from "../chain/errors.ts";
import type { CommitmentReader } from "../chain/offer_check.ts";
import { readCommitment, readRoom } from "../chain/registry.ts";
import { roomRegistryAbi } from "../chain/registry_abi.ts";
import {
  type RoomInfo,
  type RoomStatus,
  roomStatus,
  type StoredCommitment,
} from "../chain/room.ts";
import { storedCommitment } from "../core/commitment.ts";
import { BoundedMap } from "./bounded_map.ts";

/** Options of {@linkcode ChainView}. */
export interface ChainViewOptions {
  client: PublicClient;
  registry: Hex;
  /** Poll interval for new events, in ms. */
  pollMs: number;
  /** Cap on cached rooms and on cached commitments. */
  maxEntries: number;
  /** Most blocks asked for in one `eth_getLogs`. */
  maxBlockRange?: bigint;
}

const EVENTS = roomRegistryAbi.filter((item) => item.type === "event");

/**
 * Cached, event-fed reads of rooms and commitments.
 *
 * @example
 * ```ts ignore
 * // Needs a chain at the client's RPC URL, and the registry deployed there.
 * const client = createChainClient({ rpcUrl, chainId, chainName, timeoutMs: 4000 });
 * const view = new ChainView({ client, registry, pollMs: 1000, maxEntries: 100_000 });
 * await view.start();
 * const room = await view.room(roomId); // throws ChainUnavailableError when the chain is down
 * ```
 */
export class ChainView implements CommitmentReader {
  #o: ChainViewOptions;
  #rooms: BoundedMap<Hex, RoomInfo>;
  #commitments: BoundedMap<string, StoredCommitment>;
  #healthy = false;
  #nextBlock: bigint | undefined;
  #seenBlock: bigint | undefined;
  #chainTime = 0n;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #onClosed = new Set<(roomId: Hex) => void>();

  constructor(options: ChainViewOptions) {
    this.#o = options;
    this.#rooms = new BoundedMap({ maxSize: options.maxEntries });
    this.#commitments = new BoundedMap({ maxSize: options.maxEntries });
  }

  /** Whether the last contact with the chain succeeded. */
  get healthy(): boolean {
    return this.#healthy;
  }

  /** Calls `listener(roomId)` for each `RoomClosed` event seen. */
  onRoomClosed(listener: (roomId: Hex) => void): void {
    this.#onClosed.add(listener);
  }

  /** Polls once (awaited, failure tolerated) and then every `pollMs`. */
  async start(): Promise<void> {
    await this.#tick();
  }

  /** Stops polling and waits for a poll in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /**
   * The room, from the cache or one read.
   *
   * @param roomId 32-byte room id (lower-case hex).
   * @returns The room or null when it does not exist.
   * @throws {ChainUnavailableError} When the chain cannot be reached.
   */
  async room(roomId: Hex): Promise<RoomInfo | null> {
    this.#assertHealthy();
    const cached = this.#rooms.get(roomId);
    if (cached) return cached;
    const room = await this.#read(() => readRoom(this.#o.client, this.#o.registry, roomId));
    if (room) this.#rooms.set(roomId, room);
    return room;
  }

  /**
   * The member's current stored commitment (24 bytes) in a room and its block, or null.
   *
   * @param roomId Room id.
   * @param member Member address.
   * @param expected A full commitment the caller hopes for: a cached value that differs from it
   *   is re-read once (the member may have committed again since the last poll).
   * @throws {ChainUnavailableError} When the chain cannot be reached.
   */
  async commitment(
    roomId: Hex,
    member: Address,
    expected?: Hex,
  ): Promise<StoredCommitment | null> {
    this.#assertHealthy();
    const key = `${roomId}:${member.toLowerCase()}`;
    const cached = this.#commitments.get(key);
    if (cached && (expected === undefined || storedCommitment(expected) === cached.commitment)) {
      return cached;
    }
    const read = await this.#read(() =>
      readCommitment(this.#o.client, this.#o.registry, roomId, member)
    );
    if (!read) return null; // not cached: a later commit arrives by event or by the next read
    this.#commitments.set(key, read);
    return read;
  }

  /**
   * The time rooms are judged at: the later of this server's clock and the latest block's
   * timestamp, so a room the contract already treats as expired is expired here too.
   */
  nowSeconds(): number {
    const wall = Math.floor(Date.now() / 1000);
    const chain = Number(this.#chainTime);
    return wall > chain ? wall : chain;
  }

  /** A room's status now (see {@linkcode ChainView.nowSeconds}). */
  statusOf(room: RoomInfo): RoomStatus {
    return roomStatus(room, this.nowSeconds());
  }

  #assertHealthy(): void {
    if (!this.#healthy) throw new ChainUnavailableError();
  }

  async #read<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch {
      this.#healthy = false;
      throw new ChainUnavailableError();
    }
  }

  #tick(): Promise<void> {
    this.#running = this.#poll().then(
      () => {
        this.#healthy = true;
      },
      () => {
        this.#healthy = false;
      },
    ).finally(() => {
      if (!this.#stopped) this.#timer = setTimeout(() => this.#tick(), this.#o.pollMs);
    });
    return this.#running;
  }

  async #poll(): Promise<void> {
    const latest = await this.#o.client.getBlockNumber({ cacheTime: 0 });
    if (latest !== this.#seenBlock) {
      this.#chainTime = (await this.#o.client.getBlock({ blockNumber: latest })).timestamp;
      this.#seenBlock = latest;
    }
    let from = this.#nextBlock ?? latest + 1n;
    const range = this.#o.maxBlockRange ?? 1000n;
    // Bounded: each pass asks for at most `range` blocks and stops at `latest`.
    while (from <= latest && !this.#stopped) {
      const to = from + range - 1n < latest ? from + range - 1n : latest;
      const logs = await this.#o.client.getLogs({
        address: this.#o.registry,
        events: EVENTS,
        fromBlock: from,
        toBlock: to,
      });
      for (const log of logs) this.#apply(log);
      from = to + 1n;
      this.#nextBlock = from;
    }
    this.#nextBlock = from;
  }

  // deno-lint-ignore no-explicit-any
  #apply(log: { eventName: string; args: any; blockNumber: bigint | null }): void {
    const a = log.args;
    if (log.eventName === "KeyCommitted") {
      const key = `${(a.roomId as string).toLowerCase()}:${(a.member as string).toLowerCase()}`;
      this.#commitments.set(key, {
        commitment: storedCommitment(a.commitment),
        blockNumber: log.blockNumber ?? 0n,
      });
    } else if (log.eventName === "RoomCreated") {
      const roomId = (a.roomId as string).toLowerCase() as Hex;
      this.#rooms.set(roomId, {
        roomId,
        creator: a.creator,
        membersRoot: a.membersRoot,
        expiresAt: a.expiresAt,
        closed: false,
        membersOnly: !/^0x0{64}$/.test(a.membersRoot),
      });
    } else if (log.eventName === "RoomClosed") {
      const roomId = (a.roomId as string).toLowerCase() as Hex;
      const room = this.#rooms.get(roomId);
      if (room) this.#rooms.set(roomId, { ...room, closed: true });
      for (const f of this.#onClosed) f(roomId);
    }
  }
}

/**
 * A viem public client for the configured chain, with a request timeout and no retries (the
 * view's own polling is the retry).
 *
 * @example
 * ```ts
 * const client = createChainClient({
 *   rpcUrl: "http://127.0.0.1:8545",
 *   chainId: 31337,
 *   chainName: "Local development chain",
 *   timeoutMs: 4000,
 * });
 * client.chain.id; // 31337 (nothing is asked of the chain until a read)
 * ```
 */
export function createChainClient(
  opts: ChainSettings & { timeoutMs: number },
): PublicClient<Transport, Chain> {
  return createPublicClient({
    chain: chainOf(opts),
    // Batched: the reads a relay check makes in parallel travel in one JSON-RPC batch request.
    transport: http(opts.rpcUrl, { timeout: opts.timeoutMs, retryCount: 0, batch: true }),
  });
}
