/**
 * The server's fast path for client frames (used by `parse_client_frame.ts`): a hand-written
 * check of the client messages the relay sees most (ICE candidates above all, then offers and
 * answers), equivalent to the valibot schemas of `app/core/wire.ts` for what it accepts. It only
 * ever accepts: anything it is not sure about (a missing or extra field, a wrong type, a value out
 * of range) goes to the schemas, which decide and word the refusal. `parse_client_frame_test.ts`
 * runs the same frames through both and asserts the same result, byte for byte.
 *
 * Why: the schemas cost about 2.5 µs per ICE frame, more than the rest of the relay's own work.
 * Server speed work, so it lives with the server; it reads the same field rules as the schemas.
 * @module
 */
import type { ClientMessage, IceCandidate } from "../../core/wire.ts";
import {
  ADDRESS_PATTERN,
  KEM_KEY_PATTERN,
  MAX_CANDIDATE_LENGTH,
  MAX_REF_LENGTH,
  MAX_SDP_LENGTH,
  MAX_SDP_MID_LENGTH,
  MAX_SDP_MLINE_INDEX,
  MAX_USERNAME_FRAGMENT_LENGTH,
  PUBLIC_KEY_PATTERN,
  ROOM_ID_PATTERN,
  WIRE_VERSION,
} from "../../core/wire_rules.ts";

/** Marks "not sure: ask the schema" where `null` is a valid candidate. */
const UNSURE = Symbol("unsure");

/**
 * Checks a frame already parsed from JSON against the client message rules.
 *
 * @param obj The result of `JSON.parse` on the frame, known to be a non-array object.
 * @param memo The connection's {@linkcode ParseMemo} (optional; updated).
 * @returns The message exactly as the schemas would output it (fields in schema order, room id
 *   and `to` in lower case), or undefined when the schemas must decide.
 *
 * @example
 * ```ts
 * const m = fastClientMessage(JSON.parse('{"v":1,"type":"ping"}'));
 * // { v: 1, type: "ping" }
 * ```
 */
export function fastClientMessage(
  obj: Record<string, unknown>,
  memo?: ParseMemo,
): ClientMessage | undefined {
  if (obj.v !== WIRE_VERSION) return undefined;
  const ref = obj.ref;
  if (ref !== undefined && (typeof ref !== "string" || ref.length > MAX_REF_LENGTH)) {
    return undefined;
  }
  // Every present key is counted: with all required keys present, an equal count means no
  // extra key (including an own `__proto__`, which for-in lists like any other).
  const fields = (ref === undefined ? 2 : 3) + keysOf(obj.type);
  if (countKeys(obj) !== fields) return undefined;
  switch (obj.type) {
    case "ice": {
      const to = address(obj.to, memo), roomId = room(obj.roomId, memo);
      const candidate = iceCandidate(obj.candidate);
      if (to === undefined || roomId === undefined || candidate === UNSURE) return undefined;
      return ref === undefined
        ? { v: 1, type: "ice", to, roomId, candidate }
        : { v: 1, ref, type: "ice", to, roomId, candidate };
    }
    case "offer":
    case "answer": {
      const type = obj.type, to = address(obj.to, memo), roomId = room(obj.roomId, memo);
      const publicKey = obj.publicKey, kemKey = obj.kemKey, sdp = obj.sdp;
      if (to === undefined || roomId === undefined) return undefined;
      if (typeof publicKey !== "string" || !PUBLIC_KEY_PATTERN.test(publicKey)) return undefined;
      if (typeof kemKey !== "string" || !KEM_KEY_PATTERN.test(kemKey)) return undefined;
      if (typeof sdp !== "string" || sdp.length < 1 || sdp.length > MAX_SDP_LENGTH) {
        return undefined;
      }
      return ref === undefined
        ? { v: 1, type, to, roomId, publicKey, kemKey, sdp }
        : { v: 1, ref, type, to, roomId, publicKey, kemKey, sdp };
    }
    case "join":
    case "leave": {
      const type = obj.type, roomId = room(obj.roomId, memo);
      if (roomId === undefined) return undefined;
      return ref === undefined ? { v: 1, type, roomId } : { v: 1, ref, type, roomId };
    }
    case "ping":
      return ref === undefined ? { v: 1, type: "ping" } : { v: 1, ref, type: "ping" };
  }
  return undefined;
}

/** Fields of each client type besides `v`, `type` and `ref`; -1 for an unknown type. */
function keysOf(type: unknown): number {
  switch (type) {
    case "ice":
      return 3; // to, roomId, candidate
    case "offer":
    case "answer":
      return 5; // to, roomId, publicKey, kemKey, sdp
    case "join":
    case "leave":
      return 1; // roomId
    case "ping":
      return 0;
  }
  return -1;
}

function countKeys(obj: object): number {
  let n = 0;
  for (const _ in obj) n++;
  return n;
}

/**
 * The last `to` and `roomId` texts one connection sent and their lower-case forms. A socket
 * sends the same ones frame after frame: comparing with the last text replaces a regex and a
 * new lower-case string (which, being the same string each time, also hashes once in the hub).
 * Only texts that matched the pattern are kept; two per connection.
 */
export interface ParseMemo {
  toText?: string;
  to?: `0x${string}`;
  roomText?: string;
  roomId?: `0x${string}`;
}

function address(value: unknown, memo: ParseMemo | undefined): `0x${string}` | undefined {
  if (typeof value !== "string" || value.length !== 42) return undefined;
  if (memo !== undefined && memo.toText === value) return memo.to;
  if (!ADDRESS_PATTERN.test(value)) return undefined;
  const lower = value.toLowerCase() as `0x${string}`;
  if (memo !== undefined) {
    memo.toText = value;
    memo.to = lower;
  }
  return lower;
}

function room(value: unknown, memo: ParseMemo | undefined): `0x${string}` | undefined {
  if (typeof value !== "string" || value.length !== 66) return undefined;
  if (memo !== undefined && memo.roomText === value) return memo.roomId;
  if (!ROOM_ID_PATTERN.test(value)) return undefined;
  const lower = value.toLowerCase() as `0x${string}`;
  if (memo !== undefined) {
    memo.roomText = value;
    memo.roomId = lower;
  }
  return lower;
}

/** Position of each candidate field in the schema (its output order). */
const CANDIDATE_ORDER: Record<string, number> = {
  candidate: 0,
  sdpMid: 1,
  sdpMLineIndex: 2,
  usernameFragment: 3,
};

/** The candidate with its fields in schema order (the parsed object itself when they already
 * are, as browsers send them), `null`, or UNSURE. */
function iceCandidate(value: unknown): IceCandidate | null | typeof UNSURE {
  if (value === null) return null;
  if (typeof value !== "object" || Array.isArray(value)) return UNSURE;
  const c = value as Record<string, unknown>;
  const text = c.candidate, mid = c.sdpMid, index = c.sdpMLineIndex, fragment = c.usernameFragment;
  if (typeof text !== "string" || text.length > MAX_CANDIDATE_LENGTH) return UNSURE;
  if (mid !== undefined && mid !== null) {
    if (typeof mid !== "string" || mid.length > MAX_SDP_MID_LENGTH) return UNSURE;
  }
  if (index !== undefined && index !== null) {
    if (
      typeof index !== "number" || !Number.isInteger(index) || index < 0 ||
      index > MAX_SDP_MLINE_INDEX
    ) return UNSURE;
  }
  if (fragment !== undefined && fragment !== null) {
    if (typeof fragment !== "string" || fragment.length > MAX_USERNAME_FRAGMENT_LENGTH) {
      return UNSURE;
    }
  }
  // Every key must be a candidate field (no extra one, `__proto__` included); note whether
  // they come in schema order.
  let last = -1, ordered = true;
  for (const key in c) {
    const at = Object.hasOwn(CANDIDATE_ORDER, key) ? CANDIDATE_ORDER[key] : -1;
    if (at < 0) return UNSURE;
    if (at < last) ordered = false;
    last = at;
  }
  if (ordered) return c as unknown as IceCandidate;
  const out: IceCandidate = { candidate: text };
  if (mid !== undefined) out.sdpMid = mid as string | null;
  if (index !== undefined) out.sdpMLineIndex = index as number | null;
  if (fragment !== undefined) out.usernameFragment = fragment as string | null;
  return out;
}
