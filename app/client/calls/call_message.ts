/**
 * What peers say to each other about a call, on the link's "calls" channel (sealed with the
 * link's "calls" sub-channel keys, call_link.ts). One strict parser: anything else is refused.
 *
 * - `ring`: I am in call `call` (audio only, or with video) and invite you.
 * - `join`: I am in call `call` now (I started it, or accepted a ring): media between us starts.
 * - `decline`: I will not join `call` (`declined` by me, `busy` in another call, or `full`: the
 *   call already holds as many people as the mesh carries).
 * - `leave`: I left `call`: media between us stops.
 * - `state`: what I send in `call` now (microphone, camera, screen).
 * @module
 */

/** Why a call is declined. */
export type DeclineReason = "declined" | "busy" | "full";

/** One call message. */
export type CallMessage =
  | { type: "ring"; call: string; video: boolean }
  | { type: "join"; call: string; video: boolean }
  | { type: "decline"; call: string; reason: DeclineReason }
  | { type: "leave"; call: string }
  | { type: "state"; call: string; mic: boolean; camera: boolean; screen: boolean };

/** A call id: 20 lower-case hex characters (80 random bits). */
export const CALL_ID = /^[0-9a-f]{20}$/;
/** Largest encoded call message. */
export const MAX_CALL_MESSAGE_LENGTH = 512;

const REASONS: ReadonlySet<string> = new Set(["declined", "busy", "full"]);
const KEYS: Record<CallMessage["type"], readonly string[]> = {
  ring: ["type", "call", "video"],
  join: ["type", "call", "video"],
  decline: ["type", "call", "reason"],
  leave: ["type", "call"],
  state: ["type", "call", "mic", "camera", "screen"],
};

/** Thrown for a call message that is not one. */
export class CallMessageError extends Error {
  override name = "CallMessageError";
}

/**
 * A fresh call id.
 *
 * @example
 * ```ts
 * import { CALL_ID, newCallId } from "./call_message.ts";
 * CALL_ID.test(newCallId()); // true
 * ```
 */
export function newCallId(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 20);
}

/**
 * Encodes a call message as UTF-8 JSON.
 *
 * @example
 * ```ts
 * import { encodeCallMessage } from "./call_message.ts";
 * encodeCallMessage({ type: "leave", call: "0123456789abcdef0123" }).length; // 46
 * ```
 */
export function encodeCallMessage(m: CallMessage): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(m));
}

/**
 * Parses a call message, refusing anything that is not exactly one.
 *
 * @param bytes The opened plaintext.
 * @throws {CallMessageError} "Cannot read call message: …".
 *
 * @example
 * ```ts
 * import { encodeCallMessage, parseCallMessage } from "./call_message.ts";
 * const m = parseCallMessage(encodeCallMessage({ type: "leave", call: "0123456789abcdef0123" }));
 * m.type; // "leave"
 * ```
 */
export function parseCallMessage(bytes: Uint8Array): CallMessage {
  if (bytes.length > MAX_CALL_MESSAGE_LENGTH) fail("too long");
  let m: unknown;
  try {
    m = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    fail("not UTF-8 JSON");
  }
  if (typeof m !== "object" || m === null || Array.isArray(m)) fail("not an object");
  const o = m as Record<string, unknown>;
  const keys = KEYS[o.type as CallMessage["type"]];
  if (!Object.hasOwn(KEYS, String(o.type)) || !keys) fail("unknown type");
  const extra = Object.keys(o).find((k) => !keys.includes(k));
  if (extra !== undefined) fail(`unexpected field ${JSON.stringify(extra.slice(0, 32))}`);
  if (typeof o.call !== "string" || !CALL_ID.test(o.call)) fail("bad call id");
  for (const k of ["video", "mic", "camera", "screen"]) {
    if (keys.includes(k) && typeof o[k] !== "boolean") fail(`${k} must be true or false`);
  }
  if (o.type === "decline" && (typeof o.reason !== "string" || !REASONS.has(o.reason))) {
    fail("unknown decline reason");
  }
  return o as CallMessage;
}

function fail(why: string): never {
  throw new CallMessageError(`Cannot read call message: ${why}`);
}
