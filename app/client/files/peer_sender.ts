/**
 * Our files to one peer: offers them on the peer's current file link, and sends accepted ones one
 * after the other (a second file waits, "queued", while the first streams), each from the chunk
 * the receiver acknowledged last (0, or where a lost connection left it).
 * @module
 */
import type { Address } from "viem";
import type { FileMessage } from "../../core/file_message.ts";
import type { FileLink } from "./file_link.ts";
import { ReadError, sendChunks } from "./send_chunks.ts";
import type { Copy } from "./transfer_record.ts";
import { chunkCount, isFinished, type TransferState } from "./transfer_types.ts";

/** What a peer sender needs from `FileTransfers`. */
export interface PeerSenderHooks {
  /** Ends a copy (state, problem; `by` left to the caller). */
  end(copy: Copy, state: TransferState, problem: string): void;
  send(message: FileMessage): void;
  changed(now?: boolean): void;
}

/**
 * The sending side toward one peer.
 *
 * @example
 * ```ts ignore
 * const sender = new PeerSender(peer, { end, send, changed });
 * sender.link = fileLink;
 * sender.offer(copy);
 * ```
 */
export class PeerSender {
  /** The peer's file link now (null while there is none). */
  link: FileLink | null = null;
  #queue: Copy[] = [];
  #active: Copy | null = null;

  constructor(readonly peer: Address, readonly hooks: PeerSenderHooks) {}

  /**
   * Offers a hashed file on the current link, in the chunk size its root is for (or fails it
   * when that link carries smaller messages).
   */
  offer(copy: Copy, link: FileLink): void {
    const { id, name, size, mime, root, chunkSize } = copy.item;
    if (chunkSize > link.chunkSize) {
      const why = "Cannot send it: this connection carries smaller messages than its chunks";
      return this.hooks.end(copy, "failed", why);
    }
    copy.state = "offered";
    copy.chunkSize = chunkSize;
    this.hooks.send({ type: "offer", id, name, size, mime, root: root!, chunkSize });
  }

  /** The receiver took it (accept, or a sync after a lost connection): send when its turn comes. */
  enqueue(copy: Copy): void {
    copy.state = "queued";
    if (!this.#queue.includes(copy)) this.#queue.push(copy);
    this.#pump();
    this.hooks.changed(true);
  }

  /** The receiver has written chunks 0..next-1. */
  ack(copy: Copy, next: number): void {
    copy.acked = Math.min(Math.max(copy.acked, next), chunkCount(copy.item.size, copy.chunkSize));
    copy.bytes = Math.min(copy.item.size, copy.acked * copy.chunkSize);
    copy.meter.add(copy.bytes);
    for (const wake of copy.wake.splice(0)) wake();
    this.hooks.changed();
  }

  /** The link is gone: nothing is sent until a sync on the next one. */
  lost(): void {
    this.link = null;
    this.#queue = [];
  }

  #pump(): void {
    const link = this.link;
    if (!link || this.#active) return;
    const copy = this.#queue.shift();
    if (!copy) return;
    if (copy.state !== "queued") return this.#pump();
    this.#active = copy;
    copy.state = "active";
    copy.meter.reset();
    const stop = new AbortController();
    copy.stop = stop;
    const { signal } = stop;
    signal.addEventListener("abort", () => copy.wake.splice(0).forEach((w) => w()));
    sendChunks({
      link,
      id: copy.item.id,
      file: copy.item.file!,
      chunkSize: copy.chunkSize,
      from: copy.acked,
      acked: () => copy.acked,
      nextAck: () => signal.aborted ? Promise.resolve() : new Promise((r) => copy.wake.push(r)),
      signal,
    }).catch((e) => {
      if (!(e instanceof ReadError) || isFinished(copy.state)) return;
      this.hooks.end(copy, "failed", e.message);
      this.hooks.send({ type: "cancel", id: copy.item.id, reason: "failed" });
    }).finally(() => {
      if (copy.stop === stop) copy.stop = null;
      if (this.#active === copy) this.#active = null;
      this.#pump();
    });
    this.hooks.changed(true);
  }
}
