/**
 * Step 2 of joining a room: fresh session keys. An ECDH key pair (X25519 where the browser has
 * it, P-256 otherwise; private key non-extractable) and the DTLS certificate every
 * `RTCPeerConnection` of the session uses, and the commitment that binds both to this room of
 * this registry on this chain (published on chain in step 3).
 * @module
 */
import type { Address, Hex } from "viem";
import {
  computeCommitment,
  type EcdhKeyPair,
  generateEcdhKeyPair,
  generateKemKeyPair,
  type KemKeyPair,
} from "../core/mod.ts";
import { parseFingerprint } from "../core/sdp.ts";
import type { RtcIO } from "./io.ts";

/** One room session's keys. */
export interface SessionKeys {
  keyPair: EcdhKeyPair;
  /** The ML-KEM-768 key pair (non-extractable where WebCrypto has ML-KEM; core kem.ts). */
  kemKeyPair: KemKeyPair;
  /** The DTLS certificate of every peer connection of the session. */
  certificate: RTCCertificate;
  /** Its SHA-256 fingerprint (32 bytes). */
  fingerprint: Uint8Array;
  /** The full commitment to both, for this room. */
  commitment: Hex;
}

/** Thrown when the browser cannot make the keys (no usable DTLS certificate). */
export class SessionKeysError extends Error {
  override name = "SessionKeysError";
}

/**
 * Makes the session's keys and their commitment.
 *
 * @param rtc Where certificates come from.
 * @param where The chain, registry and room the commitment binds them to.
 * @returns The keys and the commitment.
 * @throws {SessionKeysError} When the certificate has no SHA-256 fingerprint.
 *
 * @example
 * ```ts ignore
 * const keys = await makeSessionKeys(io.rtc, { chainId, registry, roomId });
 * await commitKey(wallet, registry, roomId, keys.commitment, proof, onState);
 * ```
 */
export async function makeSessionKeys(
  rtc: RtcIO,
  where: { chainId: number; registry: Address; roomId: Hex; member: Address },
): Promise<SessionKeys> {
  const [keyPair, kemKeyPair, certificate] = await Promise.all([
    generateEcdhKeyPair(),
    generateKemKeyPair(),
    rtc.generateCertificate(),
  ]);
  const sha256 = certificate.getFingerprints().find((f) => f.algorithm === "sha-256");
  if (!sha256?.value) {
    throw new SessionKeysError("Cannot start: the browser gave no SHA-256 certificate");
  }
  const fingerprint = parseFingerprint(sha256.value);
  const commitment = computeCommitment({
    ...where,
    publicKey: keyPair.publicKey,
    fingerprint,
    kemKey: kemKeyPair.publicKey,
  });
  return { keyPair, kemKeyPair, certificate, fingerprint, commitment };
}
