/**
 * One signed-in WebSocket as the hub sees it: its address, session, rate-limit bucket, strike
 * count and rooms; sends go through a cap on the socket's unsent bytes.
 * @module
 */
import type { Address, Hex } from "viem";
import {
  encodeWireMessage,
  type ErrorCode,
  relayedIcePrefix,
  type ServerMessage,
} from "../../core/wire.ts";
import type { ParseMemo } from "./parse_client_frame.ts";
import { TokenBucket } from "../token_bucket.ts";

/** The part of a WebSocket the hub uses (a real `WebSocket` fits). */
export interface Conn {
  send(text: string): void;
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

let nextId = 1;

/**
 * A connected peer.
 *
 * @example
 * ```ts
 * const peer = new Peer(socket, { address, sessionId, ip, maxSendBufferBytes: 1 << 20, ratePerSecond: 20, rateBurst: 50 });
 * peer.send({ v: 1, type: "pong" });
 * ```
 */
export class Peer {
  readonly id = nextId++;
  readonly address: Address;
  readonly key: string;
  readonly sessionId: string;
  readonly ip: string;
  readonly bucket: TokenBucket;
  readonly rooms = new Set<Hex>();
  /** The last `to` and `roomId` this socket sent, for `parseClientFrame`. */
  readonly parseMemo: ParseMemo = {};
  strikes = 0;
  closed = false;
  /** Frames accepted but not yet handled (handling is serialized per peer). */
  pending = 0;
  queue: Promise<void> = Promise.resolve();
  joinTimer: ReturnType<typeof setTimeout> | undefined;
  /** Called once when the server closes this peer (the hub detaches it at once, without
   * waiting for a close handshake that a stalled client would never finish). */
  onClose: (() => void) | undefined;
  #maxBuffer: number;
  #iceRoom: Hex | undefined;
  #icePrefix = "";

  constructor(
    readonly conn: Conn,
    o: {
      address: Address;
      sessionId: string;
      ip: string;
      maxSendBufferBytes: number;
      ratePerSecond: number;
      rateBurst: number;
    },
  ) {
    this.address = o.address;
    this.key = o.address.toLowerCase();
    this.sessionId = o.sessionId;
    this.ip = o.ip;
    this.#maxBuffer = o.maxSendBufferBytes;
    this.bucket = new TokenBucket(o.ratePerSecond, o.rateBurst);
  }

  /** Sends a message, or closes the socket with 1013 when it is not reading fast enough. */
  send(message: ServerMessage): void {
    if (this.closed) return;
    this.sendText(encodeWireMessage(message));
  }

  /**
   * Sends a frame already encoded (for the relay path, which builds its frames by
   * concatenation), under the same cap on unsent bytes as {@linkcode send}.
   *
   * @param text The JSON text of one server message.
   */
  sendText(text: string): void {
    if (this.closed) return;
    if (this.conn.bufferedAmount > this.#maxBuffer) {
      this.close(CLOSE.tryAgainLater, "send buffer full");
      return;
    }
    try {
      this.conn.send(text);
    } catch {
      this.close(CLOSE.goingAway, "send failed");
    }
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

  /** Closes the socket (the hub cleans up on the close event). */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.joinTimer);
    try {
      this.conn.close(code, reason);
    } catch {
      // already closed
    }
    this.onClose?.();
  }
}
