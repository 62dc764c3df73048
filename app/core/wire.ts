/**
 * The signaling wire protocol v1 (docs/PROTOCOL.md): JSON text frames, each an object with
 * `v: 1` and a `type`, as discriminated unions. One parser per direction at the boundary,
 * {@linkcode parseClientMessage} for frames from a browser and {@linkcode parseServerMessage} in
 * the browser; both refuse anything that is not exactly a known message. The field rules live in
 * `wire_rules.ts`. The server reads each frame once ({@linkcode readJsonObject}) and checks it
 * with its own fast path before {@linkcode checkClientMessage} (app/server/signaling/
 * parse_client_frame.ts): the same result, sooner, for the frames the relay sees most.
 *
 * Browser-safe: only valibot and viem's address utilities.
 * @module
 */
import * as v from "valibot";
import { type Address, getAddress, type Hex } from "viem";
import { iceConfig, type WireIceConfig } from "./wire_ice.ts";

export { isWireIceConfig, type WireIceConfig } from "./wire_ice.ts";
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
} from "./wire_rules.ts";

export { MAX_CANDIDATE_LENGTH, MAX_REF_LENGTH, MAX_SDP_LENGTH, WIRE_VERSION };

/** Error codes the server sends in `error` frames. */
export const ERROR_CODES = [
  "malformed", // not JSON, wrong field types, unexpected fields
  "unsupported-version", // v is not 1
  "unknown-type", // type is not a client message
  "too-large", // frame over the size limit (the socket is then closed with 1009)
  "rate-limited", // token bucket empty: the frame was dropped
  "unauthorized", // session ended or missing
  "room-not-found", // no such room on-chain
  "room-closed", // closed by its creator
  "room-expired", // past its expiresAt
  "room-full", // peers-per-room limit
  "too-many-rooms", // rooms-per-socket limit
  "not-member", // members-only room and the address has no commitment there
  "not-in-room", // sender (or recipient) has not joined that room
  "peer-not-found", // `to` is not in the room
  "no-commitment", // sender has no key commitment in the room
  "commitment-mismatch", // recomputed commitment differs from the on-chain one
  "bad-sdp", // no single sha-256 fingerprint, or public key of the wrong length
  "no-offer", // answer without an offer, or ICE before the sender's description was relayed
  "chain-unavailable", // the chain cannot be reached: nothing is relayed (fail closed)
  "replaced", // the same address joined the room from another socket
  "state-unavailable", // several instances: their shared state (Redis) cannot be reached
  "internal",
] as const;
/** One of {@linkcode ERROR_CODES}. */
export type ErrorCode = typeof ERROR_CODES[number];

/** An ICE candidate as `RTCIceCandidateInit`; `null` means end of candidates. */
export interface IceCandidate {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

type Base = { v: 1; ref?: string };
/** Messages a browser sends to the server. Once parsed, `roomId` and `to` are lower case. */
export type ClientMessage =
  | Base & { type: "join"; roomId: Hex }
  | Base & { type: "leave"; roomId: Hex }
  | Base & {
    type: "offer" | "answer";
    to: Address;
    roomId: Hex;
    publicKey: string;
    kemKey: string;
    sdp: string;
  }
  | Base & { type: "ice"; to: Address; roomId: Hex; candidate: IceCandidate | null }
  | Base & { type: "ping" };

/** Messages the server sends to a browser. */
export type ServerMessage =
  | { v: 1; type: "welcome"; address: Address; limits: WireLimits }
  | { v: 1; type: "joined"; roomId: Hex; peers: Address[]; ice?: WireIceConfig; ref?: string }
  | { v: 1; type: "left"; roomId: Hex; ref?: string }
  | { v: 1; type: "presence"; roomId: Hex; address: Address; state: "joined" | "left" }
  | {
    v: 1;
    type: "offer" | "answer";
    from: Address;
    roomId: Hex;
    publicKey: string;
    kemKey: string;
    sdp: string;
  }
  | { v: 1; type: "ice"; from: Address; roomId: Hex; candidate: IceCandidate | null }
  | { v: 1; type: "error"; code: ErrorCode; message: string; ref?: string; roomId?: Hex }
  | { v: 1; type: "pong"; ref?: string };

/** Limits the server announces in `welcome`. */
export interface WireLimits {
  maxFrameBytes: number;
  ratePerSecond: number;
  rateBurst: number;
  maxRoomsPerSocket: number;
  maxPeersPerRoom: number;
}

/** Result of a parse: the message, or the error code and a short reason. */
export type ParseResult<T> =
  | { ok: true; message: T }
  | { ok: false; code: ErrorCode; reason: string; ref?: string };

const roomId = v.pipe(
  v.string(),
  v.regex(ROOM_ID_PATTERN, "roomId must be 32 bytes of 0x hex"),
  v.transform((s) => s.toLowerCase() as Hex),
);
const addressHex = v.pipe(
  v.string(),
  v.regex(ADDRESS_PATTERN, "address must be 20 bytes of 0x hex"),
);
/** Addresses the server sends: checksummed (EIP-55) for display in the browser. */
const address = v.pipe(addressHex, v.transform((s) => getAddress(s)));
/** `to` of a client message: lower case, the form the server compares (no checksum needed). */
const recipient = v.pipe(addressHex, v.transform((s) => s.toLowerCase() as Address));
/** base64url without padding of 32 (X25519) or 65 (uncompressed P-256) bytes. */
const publicKey = v.pipe(
  v.string(),
  v.regex(PUBLIC_KEY_PATTERN, "publicKey must be base64url of 32 or 65 bytes"),
);
/** base64url without padding of the 1184-byte ML-KEM-768 encapsulation key (protocol v2). */
const kemKey = v.pipe(
  v.string(),
  v.regex(KEM_KEY_PATTERN, "kemKey must be base64url of 1184 bytes (an ML-KEM-768 key)"),
);
const sdp = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_SDP_LENGTH));
const ref = v.optional(v.pipe(v.string(), v.maxLength(MAX_REF_LENGTH)));
const candidate = v.nullable(v.strictObject({
  candidate: v.pipe(v.string(), v.maxLength(MAX_CANDIDATE_LENGTH)),
  sdpMid: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(MAX_SDP_MID_LENGTH)))),
  sdpMLineIndex: v.optional(
    v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_SDP_MLINE_INDEX))),
  ),
  usernameFragment: v.optional(
    v.nullable(v.pipe(v.string(), v.maxLength(MAX_USERNAME_FRAGMENT_LENGTH))),
  ),
}));
const one = v.literal(1);
const description = (type: "offer" | "answer") =>
  v.strictObject({
    v: one,
    ref,
    type: v.literal(type),
    to: recipient,
    roomId,
    publicKey,
    kemKey,
    sdp,
  });

const clientSchemas = {
  join: v.strictObject({ v: one, ref, type: v.literal("join"), roomId }),
  leave: v.strictObject({ v: one, ref, type: v.literal("leave"), roomId }),
  offer: description("offer"),
  answer: description("answer"),
  ice: v.strictObject({ v: one, ref, type: v.literal("ice"), to: recipient, roomId, candidate }),
  ping: v.strictObject({ v: one, ref, type: v.literal("ping") }),
};

const wireLimits = v.strictObject({
  maxFrameBytes: v.number(),
  ratePerSecond: v.number(),
  rateBurst: v.number(),
  maxRoomsPerSocket: v.number(),
  maxPeersPerRoom: v.number(),
});
const serverDescription = (type: "offer" | "answer") =>
  v.strictObject({ v: one, type: v.literal(type), from: address, roomId, publicKey, kemKey, sdp });
const serverSchemas = {
  welcome: v.strictObject({ v: one, type: v.literal("welcome"), address, limits: wireLimits }),
  joined: v.strictObject({
    v: one,
    type: v.literal("joined"),
    roomId,
    peers: v.pipe(v.array(address), v.maxLength(1024)),
    ice: v.optional(iceConfig),
    ref,
  }),
  left: v.strictObject({ v: one, type: v.literal("left"), roomId, ref }),
  presence: v.strictObject({
    v: one,
    type: v.literal("presence"),
    roomId,
    address,
    state: v.picklist(["joined", "left"]),
  }),
  offer: serverDescription("offer"),
  answer: serverDescription("answer"),
  ice: v.strictObject({ v: one, type: v.literal("ice"), from: address, roomId, candidate }),
  error: v.strictObject({
    v: one,
    type: v.literal("error"),
    code: v.picklist(ERROR_CODES),
    message: v.pipe(v.string(), v.maxLength(500)),
    ref,
    roomId: v.optional(roomId),
  }),
  pong: v.strictObject({ v: one, type: v.literal("pong"), ref }),
};

/**
 * Parses one frame from a browser. Never throws.
 *
 * @param text The frame's text.
 * @returns The typed message, or an error code (`malformed`, `unsupported-version`,
 *   `unknown-type`) with a short reason that never echoes the frame's content.
 *
 * @example
 * ```ts
 * const r = parseClientMessage('{"v":1,"type":"ping"}');
 * if (r.ok) console.log(r.message.type); // "ping"
 * ```
 */
export function parseClientMessage(text: string): ParseResult<ClientMessage> {
  const read = readJsonObject(text);
  return read.ok ? checkClientMessage(read.message) : read;
}

/**
 * Checks a frame from a browser already read by {@linkcode readJsonObject}. Never throws.
 *
 * @param obj The frame's JSON object.
 * @returns The same result as {@linkcode parseClientMessage} of the frame's text.
 *
 * @example
 * ```ts
 * const r = checkClientMessage({ v: 1, type: "ping", ref: "a" });
 * if (r.ok) console.log(r.message.ref); // "a"
 * ```
 */
export function checkClientMessage(obj: Record<string, unknown>): ParseResult<ClientMessage> {
  return checkWith(obj, clientSchemas) as ParseResult<ClientMessage>;
}

/**
 * Reads a frame's text as a JSON object, the first step of every parse. Never throws.
 *
 * @param text The frame's text.
 * @returns The object, or `malformed` when the text is not JSON or not a JSON object.
 *
 * @example
 * ```ts
 * readJsonObject("[1]"); // { ok: false, code: "malformed", reason: "frame is not a JSON object" }
 * ```
 */
export function readJsonObject(text: string): ParseResult<Record<string, unknown>> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, code: "malformed", reason: "frame is not JSON" };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { ok: false, code: "malformed", reason: "frame is not a JSON object" };
  }
  return { ok: true, message: raw as Record<string, unknown> };
}

/**
 * Parses one frame from the server (used by the browser). Never throws.
 *
 * @param text The frame's text.
 * @returns The typed message or an error code with a reason.
 *
 * @example
 * ```ts
 * const r = parseServerMessage('{"v":1,"type":"pong"}');
 * ```
 */
export function parseServerMessage(text: string): ParseResult<ServerMessage> {
  const read = readJsonObject(text);
  return read.ok ? checkWith(read.message, serverSchemas) as ParseResult<ServerMessage> : read;
}

/**
 * Serializes a signaling message for the wire (a WebSocket text frame).
 *
 * @param message A client or server message.
 * @returns Its JSON text.
 *
 * @example
 * ```ts
 * encodeWireMessage({ v: 1, type: "ping", ref: "a" }); // '{"v":1,"type":"ping","ref":"a"}'
 * ```
 */
export function encodeWireMessage(message: ClientMessage | ServerMessage): string {
  return JSON.stringify(message);
}

/**
 * The start of every `ice` frame relayed from `from` in `roomId`, up to the candidate: with
 * {@linkcode encodeRelayedIce} the same text as {@linkcode encodeWireMessage} of
 * `{v: 1, type: "ice", from, roomId, candidate}`, built once per sender and room.
 *
 * @param from The sender's address: 0x hex, so it needs no escaping.
 * @param roomId The room id as parsed: 0x hex.
 * @returns The frame's text up to and including `"candidate":`.
 *
 * @example
 * ```ts
 * const from = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
 * const prefix = relayedIcePrefix(from, `0x${"ab".repeat(32)}`);
 * const text = encodeRelayedIce(prefix, { candidate: "candidate:1 1 udp 1 ::1 9 typ host" });
 * JSON.parse(text).candidate.candidate; // "candidate:1 1 udp 1 ::1 9 typ host"
 * ```
 */
export function relayedIcePrefix(from: Address, roomId: Hex): string {
  return '{"v":1,"type":"ice","from":"' + from + '","roomId":"' + roomId + '","candidate":';
}

/**
 * Encodes a relayed `ice` frame by concatenation, without building the message object.
 *
 * @param prefix From {@linkcode relayedIcePrefix}.
 * @param candidate The candidate as parsed (fields in schema order), or null.
 * @returns The frame's JSON text.
 */
export function encodeRelayedIce(prefix: string, candidate: IceCandidate | null): string {
  return prefix + JSON.stringify(candidate) + "}";
}

function checkWith(
  obj: Record<string, unknown>,
  schemas: Record<string, v.GenericSchema>,
): ParseResult<unknown> {
  const refValue = typeof obj.ref === "string" && obj.ref.length <= MAX_REF_LENGTH
    ? obj.ref
    : undefined;
  if (obj.v !== WIRE_VERSION) return refusal("unsupported-version", "v must be 1", refValue);
  if (typeof obj.type !== "string" || !Object.hasOwn(schemas, obj.type)) {
    return refusal("unknown-type", "type is not a known message type", refValue);
  }
  if ((obj.type === "offer" || obj.type === "answer") && !Object.hasOwn(obj, "kemKey")) {
    return refusal(
      "malformed",
      `${obj.type}: kemKey: missing (protocol v1 descriptions are refused: v2 carries the ` +
        "ML-KEM-768 key its commitment names)",
      refValue,
    );
  }
  const result = v.safeParse(schemas[obj.type], obj);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join(".") ?? "";
    const reason = `${obj.type}: ${path ? path + ": " : ""}${issueText(issue)}`;
    return refusal("malformed", reason, refValue);
  }
  return { ok: true, message: result.output };
}

function refusal(code: ErrorCode, reason: string, ref: string | undefined): ParseResult<never> {
  return ref === undefined ? { ok: false, code, reason } : { ok: false, code, reason, ref };
}

function issueText(issue: v.BaseIssue<unknown>): string {
  // Valibot's messages quote the received value; keep only our own or the expectation.
  if (issue.kind === "validation" && issue.message && !issue.message.includes("Received")) {
    return issue.message;
  }
  return `expected ${issue.expected ?? "a valid value"}`;
}
