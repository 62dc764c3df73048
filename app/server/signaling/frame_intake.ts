/**
 * What every frame from a socket goes through before the hub handles it: text only, the size
 * cap, a live session, the rate limit and the parser. A refused frame gets its typed error and a
 * strike; past `maxStrikes`, an oversized frame or an ended session, the socket is closed.
 * @module
 */
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
    return strike(peer, l, "malformed", "Cannot read frame: only text frames are accepted");
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
    return strike(peer, l, "rate-limited", "Cannot handle frame: too many messages, slow down");
  }
  const parsed = parseClientFrame(data, peer.parseMemo);
  if (!parsed.ok) {
    return strike(peer, l, parsed.code, `Cannot read frame: ${parsed.reason}`, parsed.ref);
  }
  return parsed.message;
}

/** A refused frame: its error, or past `maxStrikes` the last error and a close. */
function strike(
  peer: Peer,
  l: IntakeDeps["limits"],
  code: ErrorCode,
  message: string,
  ref?: string,
): undefined {
  if (peer.strike() > l.maxStrikes) {
    peer.error(code, "Cannot continue: too many refused frames", ref ? { ref } : {});
    return void peer.close(CLOSE.policy, "too many refused frames");
  }
  peer.error(code, message, ref ? { ref } : {});
}

/** The frame's size in UTF-8 bytes, or a bound of it that is still within `max`. */
function utf8Length(s: string, max: number): number {
  // At most 3 bytes per UTF-16 code unit: no need to count when even that fits.
  if (s.length * 3 <= max) return s.length * 3;
  return new TextEncoder().encode(s).length;
}
