/**
 * The file channel of one verified link: control messages and chunks sealed with the link's
 * "files" sub-channel keys (app/core/file_frame.ts), over a DataChannel of its own so a chat text
 * never waits behind a file (SCTP sends the streams of one association in turn).
 *
 * Sending: frames go out strictly in the order their seals were started (their sequence numbers),
 * and only while the channel's `bufferedAmount` is at most {@link HIGH_WATER}; above it the link
 * waits for `bufferedamountlow` ({@link LOW_WATER}), far below the 16 MiB at which Chromium closes
 * a channel. Seals run ahead of the sends, so the sender never waits for one seal at a time.
 *
 * Receiving: frames are opened a few ahead of the one being handled ({@link OPEN_AHEAD}:
 * pipelined, yet the opened chunks waiting in memory stay few); they are handled one at a time,
 * in order, each handler awaited (a chunk is written before the next is handled), with a turn of
 * the event loop between two frames ({@link nextTask}): the chunks' hashing never holds back the
 * page's other events, such as a chat text on its own channel, for more than one chunk. A frame that
 * fails to open or a malformed control message ends the file channel (never the chat), and so
 * does a peer that sends more than {@link MAX_QUEUED_BYTES} ahead of what was handled.
 * @module
 */
import type { Address } from "viem";
import {
  CHUNK_OVERHEAD,
  createFileCipher,
  type FileCipher,
  type OpenedFileFrame,
} from "../../core/file_frame.ts";
import { encodeFileMessage, type FileMessage, parseFileMessage } from "../../core/file_message.ts";
import type { AttachedLink } from "../link_extension.ts";
import { nextTask } from "./next_task.ts";

/**
 * Above this many bytes queued in the channel, sending waits: at most this plus one frame is
 * queued. Small: a chat text sent on its own channel reaches the peer after every byte the file
 * channel had queued when it was sent (measured in Chromium: bench/README.md, benchmark 7, "where
 * a text waits"), so the queue is one frame going out and at most one more.
 */
export const HIGH_WATER = 64 * 1024;
/** …until the queue is down to this (`bufferedAmountLowThreshold`). */
export const LOW_WATER = 16 * 1024;
/** Bytes of chunks a sender may have in flight beyond the receiver's last acknowledgement. */
export const WINDOW_BYTES = 8 * 1024 * 1024;
/** Frames being opened ahead of the one being handled. */
export const OPEN_AHEAD = 4;
/** Bytes a receiver holds unhandled before it calls the peer abusive (the window and slack). */
export const MAX_QUEUED_BYTES = WINDOW_BYTES + 2 * 1024 * 1024;

/** What a file link reports to its owner. */
export interface FileLinkHandler {
  control(message: FileMessage): void | Promise<void>;
  chunk(fileId: string, index: number, bytes: Uint8Array): void | Promise<void>;
  /** The peer's frames were refused: the last chance to send (the link closes after). */
  refused(problem: string): Promise<void>;
  /** The link ended: `problem` says why when the peer's frames were refused. */
  closed(problem: string | null): void;
}

/** How long `refused` may take before the link closes anyway. */
const REFUSE_GRACE_MS = 2_000;

/**
 * The frame length chunks are cut for: 64 KiB, not the 256 KiB a frame may have. Browsers send
 * one SCTP message of a stream at a time and Chromium does not interleave them (no I-DATA, RFC
 * 8260), so a chat text waits for the end of the chunk being sent: 64 KiB chunks (with lower
 * water marks) brought a text's p99 during a transfer from 240–570 to 99 ms in one run (446 in a
 * second on a starved machine), at a cost in CPU per MiB (bench/README.md, benchmark 7).
 */
export const CHUNK_FRAME_LENGTH = 64 * 1024;

/**
 * The chunk size for a connection: the largest whole KiB that fits one frame in
 * `maxMessageSize`, and at most {@link CHUNK_FRAME_LENGTH} per frame.
 *
 * @param maxMessageSize `RTCSctpTransport.maxMessageSize`.
 * @returns Bytes of file per chunk.
 *
 * @example
 * ```ts
 * import { chunkSizeFor } from "./file_link.ts";
 * chunkSizeFor(262144); // 64512 (63 KiB)
 * ```
 */
export function chunkSizeFor(maxMessageSize: number): number {
  const frame = Math.min(maxMessageSize, CHUNK_FRAME_LENGTH);
  return Math.floor((frame - CHUNK_OVERHEAD) / 1024) * 1024;
}

interface Outgoing {
  frame: Promise<Uint8Array>;
  done: { resolve(): void; reject(e: Error): void };
}

/**
 * One connection's file channel.
 *
 * @example
 * ```ts ignore
 * const link = new FileLink(attached, { control, chunk, closed });
 * link.start();
 * await link.sendControl({ type: "accept", id });
 * ```
 */
export class FileLink {
  readonly peer: Address;
  readonly maxMessageSize: number;
  #dc: RTCDataChannel;
  #cipher: FileCipher;
  #handler: FileLinkHandler;
  #out: Outgoing[] = [];
  #pumping = false;
  #in: { data: ArrayBuffer; size: number; frame: Promise<OpenedFileFrame> | null }[] = [];
  #inBytes = 0;
  #handling = false;
  #started = false;
  #closed = false;
  #refusing = false;
  #ending = false;
  #idle: Promise<void> = Promise.resolve();
  #drainWaiters: (() => void)[] = [];
  /** The file id chunks were last sent or received for, as hex and bytes (worked out once). */
  #sendingId: { hex: string; bytes: Uint8Array } = { hex: "", bytes: new Uint8Array(0) };
  #receivingId: { hex: string; bytes: Uint8Array } = { hex: "", bytes: new Uint8Array(0) };

  /**
   * @param link The extension's attachment (channel, keys, early messages).
   * @param handler Where messages and the end go.
   */
  constructor(link: AttachedLink, handler: FileLinkHandler) {
    this.peer = link.peer;
    this.maxMessageSize = link.maxMessageSize;
    this.#dc = link.channel;
    this.#cipher = createFileCipher(link.keys);
    this.#handler = handler;
    this.#dc.bufferedAmountLowThreshold = LOW_WATER;
    for (const data of link.early) this.#receive(data);
    this.#dc.addEventListener("message", (e) => {
      if (e.data instanceof ArrayBuffer) this.#receive(e.data);
    });
    this.#dc.addEventListener("open", () => this.#pump());
    this.#dc.addEventListener("bufferedamountlow", () => this.#wakeDrained());
    // What came before the close is still handled (a peer's last cancel), then the link ends.
    this.#dc.addEventListener("close", () => {
      this.#wakeDrained();
      this.#ending = true;
      if (!this.#handling) this.close();
    });
  }

  /** True until the channel closed. */
  get open(): boolean {
    return !this.#closed;
  }

  /** Chunk size for offers made on this link. */
  get chunkSize(): number {
    return chunkSizeFor(this.maxMessageSize);
  }

  /** Starts handling the peer's frames (those that came early first). */
  start(): void {
    this.#started = true;
    void this.#handle();
  }

  /** Resolves once the frame being handled (if any) is done and nothing more will be. */
  idle(): Promise<void> {
    return this.#idle;
  }

  /**
   * Seals and queues a control message.
   *
   * @returns Resolves when handed to the channel; rejects if the link closed first.
   */
  sendControl(message: FileMessage): Promise<void> {
    return this.#queue(() => this.#cipher.sealControl(encodeFileMessage(message)));
  }

  /**
   * Seals and queues chunk `index` of file `id` (the seal starts now).
   *
   * @returns Resolves when handed to the channel; rejects if the link closed first.
   */
  sendChunk(id: string, index: number, bytes: Uint8Array): Promise<void> {
    if (id !== this.#sendingId.hex) this.#sendingId = { hex: id, bytes: idBytes(id) };
    const fileId = this.#sendingId.bytes;
    return this.#queue(() => this.#cipher.sealChunk(fileId, index, bytes));
  }

  /** Ends the link (and tells the owner once). */
  close(problem: string | null = null): void {
    if (this.#closed) return;
    this.#closed = true;
    const error = new Error("Cannot send: the file channel closed");
    for (const o of this.#out.splice(0)) {
      o.frame.catch(() => {});
      o.done.reject(error);
    }
    this.#in.splice(0).forEach((p) => p.frame?.catch(() => {}));
    this.#inBytes = 0;
    if (this.#dc.readyState !== "closed") this.#dc.close();
    this.#wakeDrained();
    this.#handler.closed(problem);
  }

  #queue(seal: () => Promise<Uint8Array>): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("Cannot send: the file channel closed"));
    return new Promise((resolve, reject) => {
      this.#out.push({ frame: seal(), done: { resolve, reject } });
      void this.#pump();
    });
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (!this.#closed && this.#out.length > 0 && this.#dc.readyState === "open") {
        const head = this.#out[0];
        const frame = await head.frame;
        if (this.#dc.bufferedAmount > HIGH_WATER) await this.#drained();
        // Closing: the close event rejects what is left.
        if (this.#closed || this.#out[0] !== head || this.#dc.readyState !== "open") return;
        this.#dc.send(frame as Uint8Array<ArrayBuffer>);
        this.#cipher.recycle(frame);
        this.#out.shift();
        head.done.resolve();
      }
    } catch (e) {
      this.close(e instanceof Error && e.name === "FrameError" ? e.message : null);
    } finally {
      this.#pumping = false;
    }
  }

  /** Resolves at the next `bufferedamountlow` or close (one listener for the link's life). */
  #drained(): Promise<void> {
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  #wakeDrained(): void {
    for (const wake of this.#drainWaiters.splice(0)) wake();
  }

  #receive(data: ArrayBuffer): void {
    if (this.#closed || this.#refusing) return;
    if (this.#inBytes + data.byteLength > MAX_QUEUED_BYTES) {
      return this.close("The peer sent file data faster than allowed: the file channel was closed");
    }
    this.#in.push({ data, size: data.byteLength, frame: null });
    this.#inBytes += data.byteLength;
    this.#openAhead();
    if (this.#started) void this.#handle();
  }

  /** Starts opening the first {@link OPEN_AHEAD} frames (in arrival order: sequence numbers). */
  #openAhead(): void {
    for (const entry of this.#in.slice(0, OPEN_AHEAD)) {
      if (entry.frame) continue;
      entry.frame = this.#cipher.open(new Uint8Array(entry.data));
      entry.frame.catch(() => {}); // Seen in order by #handle.
    }
  }

  async #refuse(problem: string): Promise<void> {
    this.#refusing = true;
    this.#in.splice(0).forEach((p) => p.frame?.catch(() => {}));
    this.#inBytes = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.#handler.refused(problem).catch(() => {}),
      new Promise((r) => timer = setTimeout(r, REFUSE_GRACE_MS)),
    ]);
    clearTimeout(timer);
    this.close(problem);
  }

  async #handle(): Promise<void> {
    if (this.#handling) return;
    this.#handling = true;
    let finished = () => {};
    this.#idle = new Promise((r) => finished = r);
    try {
      while (!this.#closed && !this.#refusing && this.#in.length > 0) {
        const head = this.#in[0];
        this.#openAhead();
        const frame = await head.frame!;
        if (this.#in[0] !== head) break; // Closed or refusing meanwhile.
        this.#in.shift();
        this.#inBytes -= head.size;
        this.#openAhead();
        if (frame.kind === "chunk") {
          await this.#handler.chunk(this.#idHex(frame.fileId), frame.index, frame.plaintext);
        } else {
          await this.#handler.control(parseFileMessage(frame.plaintext));
        }
        if (this.#in.length > 0) await nextTask();
      }
    } catch (e) {
      const what = e instanceof Error && e.name === "MessageError"
        ? "was malformed"
        : "was refused";
      await this.#refuse(`A file frame from the peer ${what}: file transfers with it stopped`);
    } finally {
      this.#handling = false;
      finished();
      if (this.#ending) this.close();
    }
  }

  #idHex(bytes: Uint8Array): string {
    const last = this.#receivingId;
    if (bytes.length !== last.bytes.length || bytes.some((b, i) => b !== last.bytes[i])) {
      this.#receivingId = { hex: idHex(bytes), bytes: bytes.slice() };
    }
    return this.#receivingId.hex;
  }
}

function idBytes(id: string): Uint8Array {
  return Uint8Array.from(id.match(/../g)!, (h) => parseInt(h, 16));
}

function idHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
