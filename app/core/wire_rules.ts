/**
 * The field rules of the signaling wire protocol v1 (docs/PROTOCOL.md section 3), in one place:
 * the valibot schemas of `wire.ts` and the server's hand-written fast path
 * (app/server/signaling/fast_client_message.ts) both read them, so the two cannot drift apart on a
 * length or a pattern.
 *
 * Browser-safe.
 * @module
 */
export { ADDRESS_PATTERN, ROOM_ID_PATTERN } from "./ids.ts";

/** Protocol version carried in every frame as `v`. */
export const WIRE_VERSION = 1;
/** Longest SDP accepted, in characters (a real SDP is a few KB). */
export const MAX_SDP_LENGTH = 48 * 1024;
/** Longest ICE candidate line accepted. */
export const MAX_CANDIDATE_LENGTH = 2048;
/** Longest `ref` a client may attach to correlate errors. */
export const MAX_REF_LENGTH = 64;
/** Longest `sdpMid` of a candidate. */
export const MAX_SDP_MID_LENGTH = 64;
/** Longest `usernameFragment` of a candidate. */
export const MAX_USERNAME_FRAGMENT_LENGTH = 256;
/** Largest `sdpMLineIndex` of a candidate (an integer from 0). */
export const MAX_SDP_MLINE_INDEX = 255;

/** A public key: base64url without padding of 32 (X25519) or 65 (uncompressed P-256) bytes. */
export const PUBLIC_KEY_PATTERN = /^(?:[A-Za-z0-9_-]{43}|[A-Za-z0-9_-]{87})$/;
/** An ML-KEM-768 encapsulation key: base64url without padding of 1184 bytes (protocol v2). */
export const KEM_KEY_PATTERN = /^[A-Za-z0-9_-]{1579}$/;
