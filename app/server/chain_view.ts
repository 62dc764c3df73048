/**
 * The server's view of the RoomRegistry: rooms and key commitments cached in memory, fed by the
 * registry's events (polled with `eth_getLogs`), with a direct read when an entry is missing.
 * Relay checks first wait for an on-demand poll ({@linkcode ChainView.fresh}), so the cache holds
 * every commitment the chain held when the offer arrived. When a poll fails the view reports
 * `chain-unavailable` (fail closed) until a poll succeeds again. Reads are paid from per-address
 * and per-IP budgets (read_budget.ts); a reorg makes the view forget what the lost blocks touched
 * (chain_cache.ts, block_window.ts, chain_events.ts). The offer check and the join check read it
 * through {@linkcode ChainView.reader}, a `CommitmentReader` bound to whoever the reads are for.
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
import {
  type RoomInfo,
  type RoomStatus,
  roomStatus,
  type StoredCommitment,
} from "../chain/room.ts";
import { BlockWindow } from "./block_window.ts";
import { ChainCache, commitmentKey } from "./chain_cache.ts";
import { applyEvent, findFork, REGISTRY_EVENTS } from "./chain_events.ts";
import { type ReadBudget, ReadBudgetError, type Requester } from "./read_budget.ts";

/** Options of {@linkcode ChainView}. */
export interface ChainViewOptions {
  client: PublicClient;
  registry: Hex;
  /** Poll interval for new events, in ms. */
  pollMs: number;
  /** Cap on cached rooms and on cached commitments (and on each kind of negative answer). */
  maxEntries: number;
  /** Most blocks asked for in one `eth_getLogs`. */
  maxBlockRange?: bigint;
  /** How long "no such room" and "no commitment" answers are kept, in ms (default 10 s); an
   * event that says otherwise ends them at once. */
  negativeTtlMs?: number;
  /** Budgets of on-demand reads per address and IP (none: unlimited). */
  budget?: ReadBudget;
  /** Reorgs up to this many blocks deep are followed block by block (default 64); deeper
   * ones empty the caches. */
  maxReorgDepth?: number;
  /** Least time between the starts of on-demand polls ({@linkcode ChainView.fresh}), ms
   * (default 25). */
  freshPollMs?: number;
}

/**
 * Cached, event-fed reads of rooms and commitments. Health is the poll's: while a poll fails
 * every check is refused (fail closed); a failed on-demand read fails only its own request.
 *
 * @example
 * ```ts ignore
 * // Needs a chain at the client's RPC URL, and the registry deployed there.
 * const client = createChainClient({ rpcUrl, chainId, chainName, timeoutMs: 4000 });
 * const view = new ChainView({ client, registry, pollMs: 1000, maxEntries: 100_000 });
 * await view.start();
 * const room = await view.room(roomId, peer); // throws ChainUnavailableError when the chain is down
 * await view.fresh(); // then checkOffer(view.reader(peer), ctx, description)
 * ```
 */
export class ChainView {
  #o: ChainViewOptions;
  #cache: ChainCache;
  #window: BlockWindow;
  #healthy = false;
  #nextBlock: bigint | undefined;
  #chainTime = 0n;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  /** Every poll runs after the one before (timer and on-demand alike). */
  #queue: Promise<void> = Promise.resolve();
  #lastStart = -Infinity;
  /** An on-demand poll asked for and not started yet: callers until it starts share it. */
  #pending: Promise<void> | undefined;
  #stopped = false;
  #onClosed = new Set<(roomId: Hex) => void>();

  constructor(options: ChainViewOptions) {
    this.#o = options;
    this.#cache = new ChainCache({
      maxEntries: options.maxEntries,
      negativeTtlMs: options.negativeTtlMs ?? 10_000,
    });
    this.#window = new BlockWindow(BigInt(options.maxReorgDepth ?? 64));
  }

  /** Whether the last poll succeeded. */
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
    await this.#queue;
  }

  /**
   * Resolves once a poll that started after this call has succeeded, so every event the chain
   * held when it was made is in the cache (a member's new commitment included). Calls that
   * arrive before that poll starts share it, and on-demand polls start at least
   * `freshPollMs` apart, so a flood of checks costs at most one `eth_getBlockByNumber` (plus
   * `eth_getLogs` for new blocks) per interval for the whole server. Its failure fails the
   * waiting checks only (health is the timer poll's).
   *
   * @returns Rejects with {@linkcode ChainUnavailableError} when the view is unhealthy or the
   *   poll fails (an async function: never throws at the call, so a caller that does not wait
   *   may just catch).
   */
  async fresh(): Promise<void> {
    this.#assertHealthy();
    if (!this.#pending) {
      this.#pending = (async () => {
        await this.#queue; // a poll already running may have started before the call
        const wait = this.#lastStart + (this.#o.freshPollMs ?? 25) - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        this.#pending = undefined; // callers from now on need a poll that starts later
        await this.#serial(() => this.#poll());
      })();
    }
    await this.#pending.catch(() => {
      throw new ChainUnavailableError();
    });
  }

  /**
   * The room, from the cache (a recent "no such room" included) or one read.
   *
   * @param roomId 32-byte room id (lower-case hex).
   * @param requester Who the read is for (its budget pays for a read).
   * @returns The room or null when it does not exist.
   * @throws {ChainUnavailableError} When the chain cannot be reached.
   * @throws {ReadBudgetError} When a read is needed and the requester's budget is spent.
   */
  async room(roomId: Hex, requester?: Requester): Promise<RoomInfo | null> {
    this.#assertHealthy();
    const known = this.#cache.room(roomId);
    if (known !== undefined) return known;
    const epoch = this.#cache.epoch;
    const read = await this.#read(
      requester,
      () => readRoom(this.#o.client, this.#o.registry, roomId),
    );
    this.#window.readRoom(roomId);
    return this.#cache.readRoom(roomId, read, epoch);
  }

  /**
   * The member's stored commitment (24 bytes) in a room and its block, from the cache (a recent
   * "no commitment" included) or one read merged with the cache so that the later block wins.
   * After {@linkcode ChainView.fresh} the cache holds every commitment the chain held then.
   *
   * @param roomId Room id.
   * @param member Member address.
   * @param requester Who the read is for.
   * @throws {ChainUnavailableError} When the chain cannot be reached.
   * @throws {ReadBudgetError} When a read is needed and the requester's budget is spent.
   */
  async commitment(
    roomId: Hex,
    member: Address,
    requester?: Requester,
  ): Promise<StoredCommitment | null> {
    this.#assertHealthy();
    const key = commitmentKey(roomId, member);
    const known = this.#cache.commitment(key);
    if (known !== undefined) return known;
    const epoch = this.#cache.epoch;
    const read = await this.#read(
      requester,
      () => readCommitment(this.#o.client, this.#o.registry, roomId, member),
    );
    this.#window.readCommitment(key);
    return this.#cache.readCommitment(key, read, epoch);
  }

  /**
   * The view as the offer check and the join check read it, with every read paid from
   * `requester`'s budget. It does not re-read a cached commitment that differs from the one
   * hoped for (`expected`): relay checks call {@linkcode ChainView.fresh} first instead, so a
   * mismatch costs the chain nothing.
   *
   * @param requester Who the reads are for (a signaling `Peer` fits); none: unbudgeted.
   * @returns A `CommitmentReader`.
   *
   * @example
   * ```ts ignore
   * await view.fresh();
   * await checkOffer(view.reader(peer), ctx, { publicKey, sdp });
   * ```
   */
  reader(requester?: Requester): CommitmentReader {
    return {
      room: (roomId) => this.room(roomId, requester),
      commitment: (roomId, member) => this.commitment(roomId, member, requester),
      nowSeconds: () => this.nowSeconds(),
    };
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

  /** One on-demand read, paid from the requester's budget. A failure fails this request
   * only: health is the poll's to decide (a provider's 429 to one read must not refuse
   * everyone). */
  async #read<T>(requester: Requester | undefined, f: () => Promise<T>): Promise<T> {
    if (requester && this.#o.budget && !this.#o.budget.take(requester)) {
      throw new ReadBudgetError();
    }
    try {
      return await f();
    } catch {
      throw new ChainUnavailableError();
    }
  }

  /** Runs `f` after every poll before it. */
  #serial(f: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(() => {
      this.#lastStart = performance.now();
      return f();
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  #tick(): Promise<void> {
    this.#running = this.#serial(() => this.#poll()).then(
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
    const client = this.#o.client;
    const head = await client.getBlock({ blockTag: "latest" });
    this.#chainTime = head.timestamp;
    const tip = this.#window.tip;
    if (this.#nextBlock === undefined || tip === undefined) {
      this.#window.settle(head.number, head.hash);
      this.#nextBlock = head.number + 1n;
      return;
    }
    if (head.hash === tip.hash) return;
    const onTip = head.number === tip.number + 1n
      ? head.parentHash === tip.hash
      : head.number > tip.number &&
        (await client.getBlock({ blockNumber: tip.number })).hash === tip.hash;
    if (!onTip) await this.#reorg(head);
    const resume = this.#nextBlock as bigint | undefined;
    if (resume === undefined) {
      // Nothing recent was left on the chain: start again from the head, like at start-up.
      this.#window.settle(head.number, head.hash);
      this.#nextBlock = head.number + 1n;
      return;
    }
    const logs = [];
    let from: bigint = resume;
    const range = this.#o.maxBlockRange ?? 1000n;
    // Bounded: each pass asks for at most `range` blocks and stops at the head.
    while (from <= head.number && !this.#stopped) {
      const to: bigint = from + range - 1n < head.number ? from + range - 1n : head.number;
      logs.push(
        ...await client.getLogs({
          address: this.#o.registry,
          events: REGISTRY_EVENTS,
          fromBlock: from,
          toBlock: to,
        }),
      );
      from = to + 1n;
    }
    if (this.#stopped) return;
    // The logs must come from the head's chain: if it changed meanwhile, the next poll retries.
    if (logs.length && (await client.getBlock({ blockNumber: head.number })).hash !== head.hash) {
      return;
    }
    for (const log of logs) {
      const closed = applyEvent(this.#cache, this.#window, log);
      if (closed) { for (const f of this.#onClosed) f(closed); }
    }
    this.#window.settle(head.number, head.hash);
    this.#nextBlock = head.number + 1n;
  }

  /** The chain no longer holds the tip: forget what the lost blocks touched, and read the
   * events again from the newest block still on the chain (all caches go when none is). */
  async #reorg(head: { number: bigint | null; hash: Hex | null }): Promise<void> {
    const ancestor = await findFork(this.#o.client, this.#window, head);
    const lost = this.#window.rollback(ancestor);
    this.#cache.epoch++;
    if (ancestor === undefined) {
      this.#cache.clear();
      this.#nextBlock = undefined;
    } else {
      for (const r of lost.rooms) this.#cache.forgetRoom(r);
      for (const c of lost.commitments) this.#cache.forgetCommitment(c);
      this.#nextBlock = ancestor + 1n;
    }
    console.warn(
      `chain view: reorg; ${
        ancestor === undefined
          ? "no recent block is left, caches emptied"
          : `forked after block ${ancestor}`
      } (${lost.rooms.size} rooms, ${lost.commitments.size} commitments forgotten)`,
    );
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
    // Batched: the reads a check makes in parallel travel in one JSON-RPC batch request.
    transport: http(opts.rpcUrl, { timeout: opts.timeoutMs, retryCount: 0, batch: true }),
  });
}
