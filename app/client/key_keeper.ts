/**
 * Returning to a room without a new transaction (issue 16, item 2): a room session's keys kept on
 * this device for a bounded time, and taken back only when the chain still holds their
 * commitment. What is kept is what WebCrypto and WebRTC let a page store without reading it:
 * the non-extractable X25519/P-256 and ML-KEM-768 private keys as `CryptoKey`s and the
 * `RTCCertificate` (structured clone into IndexedDB, {@linkcode indexedDbKeeper} in
 * indexed_db_keeper.ts), plus the public halves. A key pair whose secret is JS bytes (the
 * `@noble/post-quantum` fallback where WebCrypto has no ML-KEM, Firefox today) is never kept:
 * those browsers commit again. docs/CRYPTO.md "Kept keys" says why and what a stolen unlocked
 * device can do.
 * @module
 */
import type { Address, Hex } from "viem";
import type { CommitmentReader } from "../chain/offer_check.ts";
import {
  commitmentMatches,
  computeCommitment,
  type EcdhCurve,
  PUBLIC_KEY_LENGTH,
  webCryptoKemKeyPair,
} from "../core/mod.ts";
import { parseFingerprint } from "../core/sdp.ts";
import type { SessionKeys } from "./session_keys.ts";

/** One room session's keys as kept on the device (every field structured-cloneable). */
export interface KeptKeys {
  /** {@linkcode keptKeysId} of chain, registry, room and member. */
  id: string;
  ecdh: { curve: EcdhCurve; privateKey: CryptoKey; publicKey: Uint8Array };
  kem: { publicKey: Uint8Array; privateKey: CryptoKey };
  certificate: RTCCertificate;
  /** The commitment the keys were published under (32 bytes; the chain stores 24 of them). */
  commitment: Hex;
  /** Wall-clock ms after which the keys are erased, never used. */
  expiresAt: number;
}

/** Where kept keys live: IndexedDB in browsers (indexed_db_keeper.ts), a Map in Deno tests. */
export interface KeyKeeper {
  get(id: string): Promise<KeptKeys | null>;
  put(kept: KeptKeys): Promise<void>;
  delete(id: string): Promise<void>;
  /** Erases every kept key of this device ("forget this device"). */
  clear(): Promise<void>;
}

/** The session a kept key belongs to. */
export interface KeptKeysWhere {
  chainId: number;
  registry: Address;
  roomId: Hex;
  member: Address;
}

/** Why kept keys were not used (each case erases them, except "none"). */
export type NotRestored =
  | "none" // nothing kept for this room and member
  | "expired" // the time the person chose has passed, or the certificate expired
  | "unusable" // the stored record is not a well-formed set of keys, or does not hash to its commitment
  | "mismatch"; // the chain holds no commitment, or another one, for this member in this room

/** What {@linkcode restoreKeys} found. */
export type Restored = { keys: SessionKeys; expiresAt: number } | { refused: NotRestored };

/** A kept certificate must outlive its use by this much (a session started just before expiry). */
const CERTIFICATE_MARGIN_MS = 60 * 60_000;

/**
 * The id kept keys are stored under: one record per chain, registry, room and member.
 *
 * @param w The session.
 * @returns A lower-case string id.
 *
 * @example
 * ```ts
 * import { keptKeysId } from "./key_keeper.ts";
 * keptKeysId({ chainId: 1, registry: "0xAB", roomId: "0xCD", member: "0xEF" }); // "1:0xab:0xcd:0xef"
 * ```
 */
export function keptKeysId(w: KeptKeysWhere): string {
  return `${w.chainId}:${w.registry}:${w.roomId}:${w.member}`.toLowerCase();
}

/**
 * Keeps a session's keys for `forMs` (bounded by the certificate's own expiry), when they can be
 * kept without exposing a secret's bytes.
 *
 * @param keeper Where to keep them.
 * @param keys The session's keys, just committed.
 * @param where Their session.
 * @param forMs How long the person chose (0: not at all).
 * @returns When they expire, or null when they were not kept (not keepable, or `forMs` 0).
 *
 * @example
 * ```ts ignore
 * const until = await keepKeys(indexedDbKeeper(), keys, where, 4 * 3_600_000);
 * ```
 */
export async function keepKeys(
  keeper: KeyKeeper,
  keys: SessionKeys,
  where: KeptKeysWhere,
  forMs: number,
): Promise<number | null> {
  const kem = keys.kemKeyPair;
  if (!(forMs > 0) || kem.backend !== "webcrypto" || !kem.privateKey) return null;
  if (keys.keyPair.privateKey.extractable || kem.privateKey.extractable) return null;
  const expiresAt = Math.min(Date.now() + forMs, keys.certificate.expires - CERTIFICATE_MARGIN_MS);
  if (expiresAt <= Date.now()) return null;
  await keeper.put({
    id: keptKeysId(where),
    ecdh: { ...keys.keyPair },
    kem: { publicKey: kem.publicKey, privateKey: kem.privateKey },
    certificate: keys.certificate,
    commitment: keys.commitment,
    expiresAt,
  });
  return expiresAt;
}

/**
 * Takes kept keys back for a session, failing closed: the commitment is recomputed from the kept
 * public keys and the certificate's own fingerprint, and the keys are used only if the chain
 * holds exactly that commitment for this member in this room now. Anything else erases them.
 *
 * @param keeper Where they are kept.
 * @param reader The chain, read by this browser (not the server).
 * @param where The session.
 * @returns The keys and when they expire, or why they are not used.
 * @throws {ChainUnavailableError} When the chain cannot be read (nothing is used or erased).
 *
 * @example
 * ```ts ignore
 * const r = await restoreKeys(keeper, registryReader(client, registry), where);
 * if ("keys" in r) connect(r.keys); else commitFreshKeys();
 * ```
 */
export async function restoreKeys(
  keeper: KeyKeeper,
  reader: CommitmentReader,
  where: KeptKeysWhere,
): Promise<Restored> {
  const id = keptKeysId(where);
  const kept = await keeper.get(id).catch(() => null);
  if (!kept) return { refused: "none" };
  const refuse = async (why: NotRestored): Promise<Restored> => {
    await keeper.delete(id).catch(() => {});
    return { refused: why };
  };
  if (!(kept.expiresAt > Date.now()) || !(kept.certificate?.expires > Date.now())) {
    return await refuse("expired");
  }
  const keys = rebuild(kept, where);
  if (!keys) return await refuse("unusable");
  const onChain = await reader.commitment(where.roomId, where.member);
  if (!onChain || !commitmentMatches(keys.commitment, onChain.commitment)) {
    return await refuse("mismatch");
  }
  return { keys, expiresAt: kept.expiresAt };
}

/** The session keys a record holds, or null when it is not a well-formed, self-consistent set. */
function rebuild(kept: KeptKeys, where: KeptKeysWhere): SessionKeys | null {
  try {
    const { ecdh, kem, certificate } = kept;
    if (!(ecdh.publicKey instanceof Uint8Array)) return null;
    if (ecdh.publicKey.length !== PUBLIC_KEY_LENGTH[ecdh.curve]) return null;
    if (!isPrivate(ecdh.privateKey) || !isPrivate(kem.privateKey)) return null;
    const sha256 = certificate.getFingerprints().find((f) => f.algorithm === "sha-256");
    if (!sha256?.value) return null;
    const fingerprint = parseFingerprint(sha256.value);
    const kemKeyPair = webCryptoKemKeyPair(kem.publicKey, kem.privateKey);
    const commitment = computeCommitment({
      ...where,
      publicKey: ecdh.publicKey,
      fingerprint,
      kemKey: kem.publicKey,
    });
    if (commitment !== kept.commitment) return null;
    const keyPair = { curve: ecdh.curve, privateKey: ecdh.privateKey, publicKey: ecdh.publicKey };
    return { keyPair, kemKeyPair, certificate, fingerprint, commitment };
  } catch {
    return null;
  }
}

function isPrivate(key: CryptoKey): boolean {
  return key instanceof CryptoKey && key.type === "private" && !key.extractable;
}
