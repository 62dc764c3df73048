/**
 * One signed-in WebSocket as the hub sees it: its address, session, rate-limit bucket, strikes,
 * rooms, join timer and the queue that handles its frames in order; sends go through a cap on
 * the socket's unsent bytes. The hub asks and tells it through methods; nothing outside changes
 * its state directly.
 * @module
 */
import type { Address, Hex } from "viem";
import {
  encodeWireMessage,
  type ErrorCode,
  relayedIcePrefix,
  type ServerMessage,
} from "../../core/wire.ts";
import { TokenBucket } from "../token_bucket.ts";
import type { ParseMemo } from "./parse_client_frame.ts";
import { textFramePayload } from "./text_frame.ts";

/** The part of a WebSocket the hub uses (a real `WebSocket` fits). */
export interface Conn {
  send(text: string): void;
  /** Writes a text frame built elsewhere (see `text_frame.ts`) as it is; without it, the
   * frame's payload goes through `send`. */
  sendFrame?(frame: Uint8Array): void;
  close(code?: number, reason?: string): void;
  readonly bufferedAmount: number;
}

/** WebSocket close codes used by the server (RFC 6455 section 7.4.1). */
export const CLOSE = {
  goingAway: 1001,
  policy: 1008,
  tooLarge: 1009,
  tryAgainLater: 1013,
} as const;

/** Options of {@linkcode Peer}. */
export interface PeerOptions {
  address: Address;
  sessionId: string;
  ip: string;
  maxSendBufferBytes: number;
  ratePerSecond: number;
  rateBurst: number;
  /** Called once when the peer ends (closed by the server, or {@linkcode Peer.end}): the hub
   * takes it out of its rooms at once, without waiting for a close handshake that a stalled
   * client would never finish. */
  onEnd?: () => void;
}

let nextId = 1;
const decoder = new TextDecoder();

/**
 * A connected peer.
 *
 * @example
 * ```ts
 * const sent: string[] = [];
 * const socket = { send: (t: string) => void sent.push(t), close() {}, bufferedAmount: 0 };
 * const peer = new Peer(socket, {
 *   address: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
 *   sessionId: "s1",
 *   ip: "127.0.0.1",
 *   maxSendBufferBytes: 1 << 20,
 *   ratePerSecond: 20,
 *   rateBurst: 50,
 * });
 * peer.send({ v: 1, type: "pong" });
 * console.log(sent); // ['{"v":1,"type":"pong"}']
 * ```
 */
export class Peer {
  readonly id = nextId++;
  readonly address: Address;
  /** The address in lower case: the peer's key in rooms and caps. */
  readonly key: string;
  readonly sessionId: string;
  readonly ip: string;
  readonly bucket: TokenBucket;
  /** The last `to` and `roomId` this socket sent, for `parseClientFrame`. */
  readonly parseMemo: ParseMemo = {};
  #rooms = new Set<Hex>();
  #strikes = 0;
  #closed = false;
  #pending = 0;
  #queue: Promise<void> = Promise.resolve();
  #joinTimer: ReturnType<typeof setTimeout> | undefined;
  #onEnd: (() => void) | undefined;
  #maxBuffer: number;
  #iceRoom: Hex | undefined;
  #icePrefix = "";

  constructor(readonly conn: Conn, o: PeerOptions) {
    this.address = o.address;
    this.key = o.address.toLowerCase();
    this.sessionId = o.sessionId;
    this.ip = o.ip;
    this.#maxBuffer = o.maxSendBufferBytes;
    this.bucket = new TokenBucket(o.ratePerSecond, o.rateBurst);
    this.#onEnd = o.onEnd;
  }

  /** Whether the peer has ended: nothing more is sent to it or handled from it. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Frames accepted but not yet handled (handling is serialized per peer). */
  get pending(): number {
    return this.#pending;
  }

  /** The rooms this peer has joined. */
  get rooms(): ReadonlySet<Hex> {
    return this.#rooms;
  }

  /** Notes that the peer joined `roomId` (which also ends its join timer). */
  enter(roomId: Hex): void {
    this.#rooms.add(roomId);
    clearTimeout(this.#joinTimer);
  }

  /** Notes that the peer is no longer in `roomId`. */
  exit(roomId: Hex): void {
    this.#rooms.delete(roomId);
  }

  /**
   * Closes the peer with 1008 if it has joined no room `ms` from now.
   *
   * @param ms The join timeout.
   */
  startJoinTimer(ms: number): void {
    clearTimeout(this.#joinTimer);
    this.#joinTimer = setTimeout(() => {
      if (this.#rooms.size === 0) this.close(CLOSE.policy, "no join in time");
    }, ms);
  }

  /**
   * Counts one refused frame.
   *
   * @returns How many frames of this peer were refused so far.
   */
  strike(): number {
    return ++this.#strikes;
  }

  /**
   * Runs `task` once every frame this peer sent before has been handled; a failure goes to
   * `onError` and does not stop the frames after it.
   *
   * @param task The handling of one frame.
   * @param onError Called with what `task` threw.
   */
  enqueue(task: () => Promise<void>, onError: (e: unknown) => void): void {
    this.#pending++;
    this.#queue = this.#queue.then(task).catch(onError).finally(() => {
      this.#pending--;
    });
  }

  /** Sends a message, or closes the socket with 1013 when it is not reading fast enough. */
  send(message: ServerMessage): void {
    if (this.#closed) return;
    this.sendText(encodeWireMessage(message));
  }

  /**
   * Sends a frame already encoded (for the relay path, which builds its frames by
   * concatenation), under the same cap on unsent bytes as {@linkcode send}.
   *
   * @param text The JSON text of one server message.
   */
  sendText(text: string): void {
    if (!this.#canSend()) return;
    try {
      this.conn.send(text);
    } catch {
      this.close(CLOSE.goingAway, "send failed");
    }
  }

  /**
   * Sends a text frame already built (relayed from another instance, which checked and encoded
   * it), under the same cap on unsent bytes; anything but exactly one server text frame is
   * dropped.
   *
   * @param frame One WebSocket text frame, header included (`textFrame`).
   * @returns Whether it was one (sent, or dropped because the peer is closed or too slow).
   */
  sendFrame(frame: Uint8Array): boolean {
    const payload = textFramePayload(frame);
    if (payload === undefined) return false;
    if (!this.#canSend()) return true;
    try {
      if (this.conn.sendFrame) this.conn.sendFrame(frame);
      else this.conn.send(decoder.decode(payload));
    } catch {
      this.close(CLOSE.goingAway, "send failed");
    }
    return true;
  }

  /** Whether a frame may be written: open, and reading fast enough (else closed with 1013). */
  #canSend(): boolean {
    if (this.#closed) return false;
    if (this.conn.bufferedAmount <= this.#maxBuffer) return true;
    this.close(CLOSE.tryAgainLater, "send buffer full");
    return false;
  }

  /**
   * The start of the ICE frames relayed from this peer in `roomId` (see `relayedIcePrefix`),
   * kept for the last room used: a peer sends its candidates to one room at a time.
   */
  icePrefix(roomId: Hex): string {
    if (this.#iceRoom !== roomId) {
      this.#icePrefix = relayedIcePrefix(this.address, roomId);
      this.#iceRoom = roomId;
    }
    return this.#icePrefix;
  }

  /** Sends a typed error. */
  error(code: ErrorCode, message: string, extra: { ref?: string; roomId?: Hex } = {}): void {
    this.send({ v: 1, type: "error", code, message, ...extra });
  }

  /** Closes the socket and ends the peer. */
  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.end();
    try {
      this.conn.close(code, reason);
    } catch {
      // already closed
    }
  }

  /**
   * Ends the peer without closing its socket (the connection already ended): stops its join
   * timer and calls `onEnd` once.
   *
   * @returns Whether the peer was live until now.
   */
  end(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    clearTimeout(this.#joinTimer);
    this.#onEnd?.();
    return true;
  }
}
