/**
 * Watches, during a room session, whether the chain answers through the wallet's provider. Open
 * chats do not need the chain (their keys were verified already), but new peers cannot be
 * verified without it, so the room says so while it is unreachable and clears the notice by
 * itself when it answers again. It also reads the room on every tick, so a room closed or
 * expired ends the session even when the server does not say so (issue 10, item 5: the browser
 * does not take the server's word for the room's end, nor need it).
 * @module
 */
import type { RoomRefusal } from "../chain/room.ts";

/** What the watcher needs: anything that can ask for the latest block number. */
export interface BlockSource {
  getBlockNumber(): Promise<bigint>;
}

/** Options of {@linkcode watchChain}. */
export interface WatchChainOptions {
  /** Called with `false` when a read fails, `true` when one succeeds again (changes only). */
  onChange(reachable: boolean): void;
  /** Time between reads in ms. Default 2000. */
  intervalMs?: number;
  /** A read slower than this counts as a failure. Default 4000. */
  timeoutMs?: number;
  /** Reads the room: why it can no longer be used, or null (asked after each good read). */
  room?: () => Promise<RoomRefusal | null>;
  /** Called once when `room` says the room is over; the watch then stops. */
  onRoomOver?: (refusal: RoomRefusal) => void;
  /** Called with the block number of every good read (pre-reads go stale when it moves on). */
  onHead?: (head: bigint) => void;
}

/**
 * Reads the block number at once and then every `intervalMs`, and reports reachability changes and
 * the head read; with `room`, also whether the room is over.
 *
 * @param client The wallet's public client (or any {@linkcode BlockSource}).
 * @param opts Callback and timing.
 * @returns A function that stops watching.
 *
 * @example
 * ```ts
 * import { watchChain } from "./chain_watch.ts";
 * const seen: boolean[] = [];
 * const stop = watchChain({ getBlockNumber: () => Promise.reject(new Error("down")) }, {
 *   onChange: (ok) => seen.push(ok),
 *   intervalMs: 1,
 * });
 * await new Promise((r) => setTimeout(r, 50));
 * stop();
 * // seen: [false]
 * ```
 */
export function watchChain(client: BlockSource, opts: WatchChainOptions): () => void {
  const interval = opts.intervalMs ?? 2000;
  const timeout = opts.timeoutMs ?? 4000;
  let reachable = true;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    let ok = false;
    let head = 0n;
    let limit: ReturnType<typeof setTimeout> | undefined;
    try {
      head = await Promise.race([
        client.getBlockNumber(),
        new Promise<never>((_, reject) => limit = setTimeout(reject, timeout)),
      ]);
      ok = true;
    } catch {
      ok = false;
    } finally {
      clearTimeout(limit);
    }
    if (stopped) return;
    if (ok !== reachable) {
      reachable = ok;
      opts.onChange(ok);
    }
    if (ok) opts.onHead?.(head);
    const over = ok && opts.room ? await opts.room().catch(() => null) : null;
    if (stopped) return;
    if (over) {
      stopped = true;
      return opts.onRoomOver?.(over);
    }
    timer = setTimeout(tick, interval);
  };
  // The first read at once: the head the session starts from is known before links are made.
  timer = setTimeout(tick, 0);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
