/**
 * The receiving browser's own check of a peer's offer or answer against the chain (DESIGN.md
 * handshake step 6), done before `setRemoteDescription`: every `a=fingerprint` line must carry
 * one and the same SHA-256 fingerprint, and the commitment recomputed from it and the peer's ECDH
 * public key must equal the peer's current commitment read from the registry. The server made
 * the same check, but the browser trusts the chain, not the server.
 * @module
 */
import type { Address, Hex, PublicClient } from "viem";
import { commitmentMatches, computeCommitment } from "../core/mod.ts";
import { fingerprintFromSdp, SdpFingerprintError } from "../core/mod.ts";
import { decodeBase64Url } from "../core/wire.ts";
import { readChainCommitment } from "./registry.ts";

/** Why a peer's description was refused. */
export type PeerRefusal = "bad-sdp" | "bad-key" | "no-commitment" | "commitment-mismatch";

/** Thrown when a peer's keys are not the ones it committed to on chain. */
export class PeerVerificationError extends Error {
  override name = "PeerVerificationError";
  /**
   * @param reason Machine-readable reason.
   * @param message Human sentence.
   */
  constructor(readonly reason: PeerRefusal, message: string) {
    super(message);
  }
}

/** What a peer sent and where it must be committed. */
export interface PeerDescription {
  chainId: number;
  registry: Address;
  roomId: Hex;
  /** The peer's wallet address (as the server says; the chain decides if it is true). */
  peer: Address;
  /** base64url raw ECDH public key from the wire. */
  publicKey: string;
  /** The SDP offer or answer. */
  sdp: string;
}

/** The verified keys of a peer. */
export interface VerifiedPeer {
  publicKey: Uint8Array;
  fingerprint: Uint8Array;
  /** Block of the commitment that matched. */
  blockNumber: bigint;
}

/**
 * Verifies a peer's description against its on-chain commitment.
 *
 * @param client A public client reading the chain through the wallet's provider.
 * @param d The description and its context.
 * @returns The peer's verified public key and fingerprint.
 * @throws {PeerVerificationError} When anything does not match.
 * @throws {ChainUnreachableError} When the chain cannot be read.
 *
 * @example
 * ```ts
 * const peer = await verifyPeerDescription(wallet.publicClient, { ...ctx, publicKey, sdp });
 * await pc.setRemoteDescription({ type: "offer", sdp });
 * ```
 */
export async function verifyPeerDescription(
  client: PublicClient,
  d: PeerDescription,
): Promise<VerifiedPeer> {
  let fingerprint: Uint8Array;
  try {
    fingerprint = fingerprintFromSdp(d.sdp);
  } catch (e) {
    const why = e instanceof SdpFingerprintError ? e.message : "unreadable SDP";
    throw new PeerVerificationError("bad-sdp", `Refused the peer's connection: ${why}`);
  }
  let publicKey: Uint8Array;
  try {
    publicKey = decodeBase64Url(d.publicKey);
  } catch {
    throw new PeerVerificationError("bad-key", "Refused the peer's connection: unreadable key");
  }
  let commitment: Hex;
  try {
    commitment = computeCommitment({
      chainId: d.chainId,
      registry: d.registry,
      roomId: d.roomId,
      publicKey,
      fingerprint,
    });
  } catch {
    throw new PeerVerificationError("bad-key", "Refused the peer's connection: malformed key");
  }
  const stored = await readChainCommitment(client, d.registry, d.roomId, d.peer);
  if (!stored) {
    throw new PeerVerificationError(
      "no-commitment",
      "Refused the peer's connection: it has no key commitment on chain in this room",
    );
  }
  if (!commitmentMatches(commitment, stored.commitment)) {
    throw new PeerVerificationError(
      "commitment-mismatch",
      "Refused the peer's connection: its keys do not match its on-chain commitment " +
        "(someone on the path may have swapped them)",
    );
  }
  return { publicKey, fingerprint, blockNumber: stored.blockNumber };
}
