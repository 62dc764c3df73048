/**
 * What the file engine shows: one {@linkcode FileItem} per file sent or offered to us, with one
 * {@linkcode PeerTransfer} per peer it goes to (a file sent to the whole room has one per peer).
 * Snapshots, replaced on every change, like every engine store.
 * @module
 */
import type { Address } from "viem";
import type { SinkKind } from "./file_storage.ts";

/** Where one peer's copy of a file is. */
export type TransferState =
  | "hashing" // ours: computing the file's SHA-256 before offering it
  | "offered" // ours: waiting for the peer to accept; theirs: waiting for you
  | "queued" // ours: accepted, waiting for the file before it to the same peer
  | "active" // bytes are moving
  | "paused" // no connection to the peer: continues from the last acknowledged chunk
  | "done" // the receiver checked the whole file's SHA-256
  | "declined"
  | "cancelled"
  | "failed";

/** One peer's copy of a file. */
export interface PeerTransfer {
  /** The peer (lower case): the recipient of ours, the sender of theirs. */
  peer: Address;
  state: TransferState;
  /** Bytes acknowledged by the receiver (ours) or written (theirs). */
  bytes: number;
  /** Bytes per second over the last seconds (0 when idle). */
  speed: number;
  /** Seconds left at that speed, when known. */
  eta: number | null;
  /** The chunk it last resumed from after a lost connection (null: never resumed). */
  resumedAt: number | null;
  /** Why it failed, was declined or cancelled, in one sentence. */
  problem: string | null;
  /** Who declined or cancelled it. */
  by: "you" | "peer" | null;
}

/** A file sent or offered in the room. */
export interface FileItem {
  /** 32 hex characters. */
  id: string;
  direction: "in" | "out";
  /** The name to show (control and bidi characters removed). */
  name: string;
  size: number;
  mime: string;
  /** When it was picked or offered (ms). */
  at: number;
  /** Who sends it (lower case). */
  from: Address;
  /** Ours: the fraction hashed before offering (1 once offered). */
  hashed: number;
  peers: readonly PeerTransfer[];
  /** Ours: the file; theirs: the verified file once done (disk-backed where stored on disk). */
  file: Blob | null;
  /** A `blob:` URL of a previewable image (PNG, JPEG, WebP, GIF), else null. */
  preview: string | null;
  /** Theirs: where the bytes are kept. */
  sink: SinkKind | null;
  /** Theirs: written in place by the page's writer worker (no swap file, no copy per write). */
  inPlace: boolean;
}

/** Terminal states: nothing more happens. */
export function isFinished(state: TransferState): boolean {
  return state === "done" || state === "declined" || state === "cancelled" ||
    state === "failed";
}

/**
 * Chunks of a file.
 *
 * @example
 * ```ts
 * import { chunkCount } from "./transfer_types.ts";
 * chunkCount(10, 4); // 3
 * ```
 */
export function chunkCount(size: number, chunkSize: number): number {
  return Math.ceil(size / chunkSize);
}

/** What the sender reads when a recipient declined, by the reason it gave. */
export const DECLINED = {
  "declined": "Declined",
  "too-large": "Declined: larger than the recipient accepts",
  "unavailable": "Declined: the recipient cannot store it",
} as const;

/** What one side reads when the other stopped a transfer, by the reason it gave. */
export const CANCELLED = {
  "cancelled": "Cancelled",
  "failed": "The other side stopped the transfer: it could not go on",
  "hash-mismatch": "The received file did not match its SHA-256: the recipient discarded it",
  "refused": "The recipient refused a damaged chunk: the transfer was stopped",
  "no-space": "The recipient's storage is full: the transfer was stopped and nothing of it kept",
} as const;
