/**
 * What every frame from a socket goes through before the hub handles it: text only, the size
 * cap, a live session, the rate limit and the parser. A refused frame gets its typed error and a
 * strike ({@linkcode strike}, which the join and the relay also give for refusals that cost a
 * chain read); past `maxStrikes`, an oversized frame or an ended session, the socket is closed.
 * @module
 */
import type { Hex } from "viem";
import type { ClientMessage, ErrorCode } from "../../core/wire.ts";
import type { Limits } from "../config/mod.ts";
import { parseClientFrame } from "./parse_client_frame.ts";
import { CLOSE, type Peer } from "./peer.ts";

/** What the intake needs. */
export interface IntakeDeps {
  limits: Pick<Limits, "maxFrameBytes" | "rateBurst" | "maxStrikes">;
  /** Whether the session is still live (logout and expiry end sockets). */
  sessionLive(id: string): boolean;
}

/**
 * Takes one frame from a peer.
 *
 * @param peer The sending socket.
 * @param data The frame as the socket gave it.
 * @param deps Limits and the session check.
 * @returns The parsed message, or undefined when the frame was refused (the peer was told).
 *
 * @example
 * ```ts ignore
 * const m = takeFrame(peer, event.data, { limits, sessionLive });
 * if (m) handle(peer, m);
 * ```
 */
export function takeFrame(
  peer: Peer,
  data: unknown,
  deps: IntakeDeps,
): ClientMessage | undefined {
  const l = deps.limits;
  if (typeof data !== "string") {
    return strike(
      peer,
      l.maxStrikes,
      "malformed",
      "Cannot read frame: only text frames are accepted",
    );
  }
  if (data.length > l.maxFrameBytes || utf8Length(data, l.maxFrameBytes) > l.maxFrameBytes) {
    peer.error("too-large", `Cannot read frame: larger than ${l.maxFrameBytes} bytes`);
    return void peer.close(CLOSE.tooLarge, "frame too large");
  }
  if (!deps.sessionLive(peer.sessionId)) {
    peer.error("unauthorized", "Cannot continue: the session ended; sign in again");
    return void peer.close(CLOSE.policy, "session ended");
  }
  if (!peer.bucket.take() || peer.pending >= l.rateBurst) {
    return strike(
      peer,
      l.maxStrikes,
      "rate-limited",
      "Cannot handle frame: too many messages, slow down",
    );
  }
  const parsed = parseClientFrame(data, peer.parseMemo);
  if (!parsed.ok) {
    const at = parsed.ref ? { ref: parsed.ref } : {};
    return strike(peer, l.maxStrikes, parsed.code, `Cannot read frame: ${parsed.reason}`, at);
  }
  return parsed.message;
}

/**
 * Refuses a frame with a strike: its error, or past `maxStrikes` the last error and a close
 * (1008). Frames the intake refuses are strikes, and so are joins and descriptions refused after
 * a chain read for nothing (no such room, no or wrong commitment, read budget spent).
 *
 * @param peer The sending socket.
 * @param maxStrikes Refused frames a socket may send before it is dropped.
 * @param code The error code.
 * @param message The error's sentence.
 * @param at The frame's `ref` and room, echoed in the error.
 *
 * @example
 * ```ts
 * import { Peer } from "./peer.ts";
 * const conn = { send() {}, close() {}, bufferedAmount: 0 };
 * const peer = new Peer(conn, {
 *   address: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
 *   sessionId: "s1",
 *   ip: "127.0.0.1",
 *   maxSendBufferBytes: 1 << 20,
 *   ratePerSecond: 20,
 *   rateBurst: 50,
 * });
 * strike(peer, 1, "room-not-found", "Cannot join: there is no such room on chain");
 * peer.closed; // false: one strike is allowed
 * strike(peer, 1, "room-not-found", "Cannot join: there is no such room on chain");
 * peer.closed; // true
 * ```
 */
export function strike(
  peer: Peer,
  maxStrikes: number,
  code: ErrorCode,
  message: string,
  at: { ref?: string; roomId?: Hex } = {},
): undefined {
  if (peer.strike() > maxStrikes) {
    peer.error(code, "Cannot continue: too many refused frames", at);
    return void peer.close(CLOSE.policy, "too many refused frames");
  }
  peer.error(code, message, at);
}

/** The frame's size in UTF-8 bytes, or a bound of it that is still within `max`. */
function utf8Length(s: string, max: number): number {
  // At most 3 bytes per UTF-16 code unit: no need to count when even that fits.
  if (s.length * 3 <= max) return s.length * 3;
  return new TextEncoder().encode(s).length;
}
