/**
 * The one check of an offer or answer against the chain (DESIGN.md handshake steps 5 and 6),
 * made by the server before it relays and by the receiving browser before
 * `setRemoteDescription`: the SDP must carry one SHA-256 DTLS fingerprint, the public key must be
 * a valid raw ECDH key, the room must exist and be open, and the commitment recomputed from the
 * key and the fingerprint must equal the sender's current on-chain commitment in that room.
 *
 * Both sides run the same function and differ only in their {@linkcode CommitmentReader}: the
 * server's event-fed cache (`app/server/chain_view.ts`), the browser's direct reads through the
 * wallet (`registryReader`). `testing/offer_check_cases.ts` is the case table both run (on the
 * server, in Deno and in Chromium).
 *
 * @example
 * ```ts ignore
 * // In the browser, with the chain read through the wallet (registryReader in registry.ts).
 * try {
 *   const ctx = { chainId, registry, roomId, member };
 *   const peer = await checkOffer(reader, ctx, { publicKey, sdp });
 *   await pc.setRemoteDescription({ type: "offer", sdp });
 * } catch (e) {
 *   if (e instanceof OfferRefusedError) showWhy(e.reason, e.message);
 * }
 * ```
 * @module
 */
import type { Address, Hex } from "viem";
import { decodeBase64Url } from "../core/bytes.ts";
import { commitmentMatches, computeCommitment } from "../core/commitment.ts";
import { KEM_PUBLIC_KEY_LENGTH } from "../core/kem.ts";
import { fingerprintFromSdp, SdpFingerprintError } from "../core/sdp.ts";
import {
  ROOM_REFUSAL_SENTENCES,
  type RoomInfo,
  type RoomRefusal,
  roomRefusal,
  type StoredCommitment,
} from "./room.ts";

/** Why a description is refused, in the order the check finds it. */
export type OfferRefusal =
  | "bad-sdp" // no a=fingerprint, more than one, or not SHA-256
  | "bad-key" // the public key is not base64url of a raw X25519 or P-256 key
  | "bad-kem-key" // the ML-KEM-768 key is missing or not base64url of 1184 bytes (a v1 peer)
  | RoomRefusal // the room is unknown, closed or expired (roomRefusal in room.ts)
  | "no-commitment" // the sender has no commitment in the room
  | "commitment-mismatch"; // its keys are not the committed ones (swapped, or stale)

const SENTENCES: Record<OfferRefusal, string> = {
  "bad-sdp": "its SDP does not carry exactly one SHA-256 DTLS fingerprint",
  "bad-key": "its public key is not a valid X25519 or P-256 key",
  "bad-kem-key": "it carries no valid ML-KEM-768 key (protocol v1 peers are refused: " +
    "v2 commits to a post-quantum key)",
  ...ROOM_REFUSAL_SENTENCES,
  "no-commitment": "the sender has no key commitment on chain in this room",
  "commitment-mismatch":
    "its keys do not match its on-chain commitment (someone on the path may have swapped them, " +
    "or the sender committed new keys since)",
};

/**
 * Thrown when a description fails the check: `reason` says why, `detail` says it in words
 * (each side puts its own voice in front: "Cannot relay: …", "Refused the peer's connection: …").
 */
export class OfferRefusedError extends Error {
  override name = "OfferRefusedError";
  /** Why, in words, without a leading verb. */
  readonly detail: string;
  /** @param reason Why the description is refused. */
  constructor(readonly reason: OfferRefusal) {
    super(`Cannot accept the description: ${SENTENCES[reason]}`);
    this.detail = SENTENCES[reason];
  }
}

/**
 * Where the check reads rooms and commitments. Implementations throw
 * `ChainUnavailableError` (app/chain/errors.ts) when the chain cannot be read: the check then
 * fails closed with that error.
 */
export interface CommitmentReader {
  /** The room, or null when none has this id. */
  room(roomId: Hex): Promise<RoomInfo | null>;
  /**
   * The member's current stored commitment, or null.
   *
   * @param expected The full commitment the caller hopes for: a caching reader re-reads a cached
   *   value that differs from it (the member may have committed again since).
   */
  commitment(roomId: Hex, member: Address, expected?: Hex): Promise<StoredCommitment | null>;
  /** The time rooms are judged at, in unix seconds. */
  nowSeconds(): number;
}

/**
 * A description: the sender's ECDH public key and ML-KEM-768 encapsulation key as sent
 * (base64url) and its SDP.
 */
export interface Description {
  publicKey: string;
  kemKey: string;
  sdp: string;
}

/** Where a description must be committed: the chain, the registry, the room and the sender. */
export interface OfferContext {
  chainId: number;
  registry: Address;
  roomId: Hex;
  /** The sender's wallet address (as the server says; the chain decides whether it is true). */
  member: Address;
}

/** The pure reading of a description: its keys and the commitment they stand for. */
export interface DescribedKeys {
  publicKey: Uint8Array;
  fingerprint: Uint8Array;
  /** The ML-KEM-768 encapsulation key (1184 bytes); the commitment holds its keccak256. */
  kemKey: Uint8Array;
  /** The full 32-byte commitment the keys stand for in this room. */
  commitment: Hex;
}

/** The keys of a description that passed, and the block of the commitment they matched. */
export interface VerifiedKeys extends DescribedKeys {
  blockNumber: bigint;
}

/**
 * The pure part of the check: reads the fingerprint and the key and computes the commitment.
 * No chain involved, so the server can memoise it per description.
 *
 * @param ctx Chain, registry, room and sender (v2 commitments bind the member's address).
 * @param d The description.
 * @returns The keys and their commitment.
 * @throws {OfferRefusedError} With reason `bad-key` or `bad-sdp`.
 *
 * @example
 * ```ts
 * const sdp = `v=0\r\na=fingerprint:sha-256 ${Array(32).fill("AB").join(":")}\r\n`;
 * const { commitment, fingerprint } = describeKeys(
 *   {
 *     chainId: 31337,
 *     registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
 *     roomId: `0x${"ab".repeat(32)}`,
 *     member: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
 *   },
 *   // a 32-byte X25519 key and a 1184-byte ML-KEM-768 key, base64url
 *   { publicKey: "A".repeat(43), kemKey: "A".repeat(1579), sdp },
 * );
 * fingerprint.length; // 32
 * ```
 */
export function describeKeys(ctx: OfferContext, d: Description): DescribedKeys {
  // The key is read before the SDP, so a description wrong in both is refused as bad-key.
  let publicKey: Uint8Array;
  try {
    publicKey = decodeBase64Url(d.publicKey);
  } catch {
    throw new OfferRefusedError("bad-key");
  }
  if (publicKey.length !== 32 && publicKey.length !== 65) throw new OfferRefusedError("bad-key");
  let kemKey: Uint8Array;
  try {
    if (typeof d.kemKey !== "string") throw new TypeError("missing");
    kemKey = decodeBase64Url(d.kemKey);
  } catch {
    throw new OfferRefusedError("bad-kem-key");
  }
  if (kemKey.length !== KEM_PUBLIC_KEY_LENGTH) throw new OfferRefusedError("bad-kem-key");
  let fingerprint: Uint8Array;
  try {
    fingerprint = fingerprintFromSdp(d.sdp);
  } catch (e) {
    if (e instanceof SdpFingerprintError) throw new OfferRefusedError("bad-sdp");
    throw e;
  }
  const commitment = computeCommitment({ ...ctx, publicKey, fingerprint, kemKey });
  return { publicKey, fingerprint, kemKey, commitment };
}

/**
 * Checks a description against the sender's current on-chain commitment. Reads the room and the
 * commitment in parallel: one round trip at most.
 *
 * @param reader Where rooms and commitments come from.
 * @param ctx Chain, registry, room and sender.
 * @param d The description.
 * @param described The result of {@linkcode describeKeys} for `d`, when the caller has it.
 * @returns The verified keys and the block of the matching commitment.
 * @throws {OfferRefusedError} When anything does not match.
 * @throws {ChainUnavailableError} When the chain cannot be read (fail closed).
 *
 * @example
 * ```ts
 * import { storedCommitment } from "../core/commitment.ts";
 * import { ZERO_ROOT } from "./room.ts";
 * const roomId = `0x${"ab".repeat(32)}` as const;
 * const member = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as const;
 * const registry = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
 * const ctx = { chainId: 31337, registry, roomId, member } as const;
 * const sdp = `a=fingerprint:sha-256 ${Array(32).fill("AB").join(":")}`;
 * const d = { publicKey: "A".repeat(43), kemKey: "A".repeat(1579), sdp };
 * // A reader that holds the room and the member's commitment to exactly these keys (the server's
 * // chain view and the browser's registryReader read them from the chain).
 * const reader: CommitmentReader = {
 *   room: () =>
 *     Promise.resolve({
 *       roomId,
 *       creator: member,
 *       membersRoot: ZERO_ROOT,
 *       expiresAt: 0n,
 *       closed: false,
 *       membersOnly: false,
 *     }),
 *   commitment: () =>
 *     Promise.resolve({
 *       commitment: storedCommitment(describeKeys(ctx, d).commitment),
 *       blockNumber: 7n,
 *     }),
 *   nowSeconds: () => Date.now() / 1000,
 * };
 * (await checkOffer(reader, ctx, d)).blockNumber; // 7n
 * const swapped = { ...d, publicKey: "B".repeat(43) };
 * await checkOffer(reader, ctx, swapped).catch((e) => e.reason); // "commitment-mismatch"
 * ```
 */
export async function checkOffer(
  reader: CommitmentReader,
  ctx: OfferContext,
  d: Description,
  described: DescribedKeys = describeKeys(ctx, d),
): Promise<VerifiedKeys> {
  const stored = await checkMember(reader, ctx.roomId, ctx.member, described.commitment);
  if (!commitmentMatches(described.commitment, stored.commitment)) {
    throw new OfferRefusedError("commitment-mismatch");
  }
  return { ...described, blockNumber: stored.blockNumber };
}

/**
 * Checks that a member holds a current commitment in a live room: the room exists and is open,
 * and the member has committed keys there. The browser asks it of a peer before offering to it
 * (an offer and its ICE candidates carry the browser's addresses), the server of both ends of a
 * relay and of whoever asks for TURN credentials (issue 10, items 3 and 9). Reads the room and
 * the commitment in parallel.
 *
 * @param reader Where rooms and commitments come from.
 * @param roomId The room.
 * @param member The member's address.
 * @param expected The commitment the caller hopes for (a caching reader re-reads on a miss).
 * @returns The member's stored commitment.
 * @throws {OfferRefusedError} With a room refusal or `no-commitment`.
 * @throws {ChainUnavailableError} When the chain cannot be read (fail closed).
 *
 * @example
 * ```ts
 * const reader: CommitmentReader = {
 *   room: () => Promise.resolve(null),
 *   commitment: () => Promise.resolve(null),
 *   nowSeconds: () => 0,
 * };
 * const member = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
 * await checkMember(reader, `0x${"ab".repeat(32)}`, member).catch((e) => e.reason); // "room-not-found"
 * ```
 */
export async function checkMember(
  reader: CommitmentReader,
  roomId: Hex,
  member: Address,
  expected?: Hex,
): Promise<StoredCommitment> {
  const [room, stored] = await Promise.all([
    reader.room(roomId),
    reader.commitment(roomId, member, expected),
  ]);
  const refusal = roomRefusal(room, reader.nowSeconds());
  if (refusal) throw new OfferRefusedError(refusal);
  if (!stored) throw new OfferRefusedError("no-commitment");
  return stored;
}
