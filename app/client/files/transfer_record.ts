/**
 * The file engine's working records behind its snapshots (transfer_types.ts): mutable, owned by
 * `FileTransfers` and `FileReceiver`, copied into a new snapshot whenever something changes.
 * @module
 */
import type { Address } from "viem";
import type { FileSink } from "./file_storage.ts";
import { RateMeter } from "./rate_meter.ts";
import type { FileItem, PeerTransfer, TransferState } from "./transfer_types.ts";

/** A file sent or offered: what the UI shows of it ({@linkcode FileItem}) but the per-peer view,
 * which the engine keeps as {@linkcode Copy}s, and the offer's tree root and chunk size. */
export interface Item extends Omit<FileItem, "peers"> {
  /** Root of the file's SHA-256 hash tree (hex): ours once hashed, theirs as offered. */
  root: string | null;
  /** The chunk size the root is for: ours once hashed, theirs as offered. */
  chunkSize: number;
  copies: Copy[];
}

/** One peer's copy of an item. */
export interface Copy {
  item: Item;
  peer: Address;
  state: TransferState;
  /** The receiver took it (accept sent, or a sync said so). */
  accepted: boolean;
  chunkSize: number;
  /** Ours: chunks the receiver acknowledged. */
  acked: number;
  /** Theirs: chunks written (what an ack and a sync report). */
  next: number;
  /** Theirs: chunks taken from the channel (being digested and written, or done). */
  handled: number;
  bytes: number;
  meter: RateMeter;
  resumedAt: number | null;
  problem: string | null;
  by: "you" | "peer" | null;
  /** Ours: stops the send loop. */
  stop: AbortController | null;
  /** Ours: resolvers waiting for the next acknowledgement. */
  wake: (() => void)[];
  /** Theirs: where the bytes go, and the digests of the chunks written (32 bytes each). */
  sink: FileSink | null;
  leaves: Uint8Array[] | null;
  /** Theirs: the write in progress (a new link waits for it before counting). */
  writing: Promise<void>;
}

/**
 * A fresh copy record.
 *
 * @example
 * ```ts ignore
 * item.copies = peers.map((peer) => newCopy(item, peer, "hashing"));
 * ```
 */
export function newCopy(item: Item, peer: Address, state: TransferState): Copy {
  return {
    item,
    peer,
    state,
    accepted: false,
    chunkSize: item.chunkSize,
    acked: 0,
    next: 0,
    handled: 0,
    bytes: 0,
    meter: new RateMeter(),
    resumedAt: null,
    problem: null,
    by: null,
    stop: null,
    wake: [],
    sink: null,
    leaves: null,
    writing: Promise.resolve(),
  };
}

/**
 * The snapshot of an item.
 *
 * @example
 * ```ts ignore
 * store.set(items.map(snapshot));
 * ```
 */
export function snapshot(item: Item): FileItem {
  const { id, direction, name, size, mime, at, from, hashed, file, preview, sink, inPlace } = item;
  return {
    id,
    direction,
    name,
    size,
    mime,
    at,
    from,
    hashed,
    file: item.copies.some((c) => c.state === "done") || direction === "out" ? file : null,
    preview,
    sink,
    inPlace,
    peers: item.copies.map((c): PeerTransfer => {
      const moving = c.state === "active";
      return {
        peer: c.peer,
        state: c.state,
        bytes: c.bytes,
        speed: moving ? c.meter.speed : 0,
        eta: moving ? c.meter.eta(size - c.bytes) : null,
        resumedAt: c.resumedAt,
        problem: c.problem,
        by: c.by,
      };
    }),
  };
}
