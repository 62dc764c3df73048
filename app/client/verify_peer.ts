/**
 * The receiving browser's own check of a peer's offer or answer (DESIGN.md handshake step 6),
 * made before `setRemoteDescription`: the one offer check (`app/chain/offer_check.ts`), the same
 * the server made, here against the chain read through the wallet's provider. The browser
 * trusts the chain, not the server.
 * @module
 */
import type { Address, Hex, PublicClient } from "viem";
import { checkOffer, OfferRefusedError, type VerifiedKeys } from "../chain/offer_check.ts";
import type { OfferRefusal } from "../chain/offer_check.ts";
import { registryReader } from "../chain/registry.ts";

/** Thrown when a peer's keys are not the ones it committed to on chain. */
export class PeerVerificationError extends Error {
  override name = "PeerVerificationError";
  /**
   * @param reason Machine-readable reason.
   * @param message Human sentence.
   */
  constructor(readonly reason: OfferRefusal, message: string) {
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
  /** base64url ML-KEM-768 encapsulation key from the wire. */
  kemKey: string;
  /** The SDP offer or answer. */
  sdp: string;
}

/** The verified keys of a peer and the block of its commitment. */
export type VerifiedPeer = VerifiedKeys;

/**
 * Verifies a peer's description against its on-chain commitment.
 *
 * @param client A public client reading the chain through the wallet's provider.
 * @param d The description and its context.
 * @returns The peer's verified public key and fingerprint.
 * @throws {PeerVerificationError} When anything does not match.
 * @throws {ChainUnavailableError} When the chain cannot be read.
 *
 * @example
 * ```ts ignore
 * const peer = await verifyPeerDescription(wallet.publicClient, { ...ctx, publicKey, kemKey, sdp });
 * await pc.setRemoteDescription({ type: "offer", sdp });
 * ```
 */
export async function verifyPeerDescription(
  client: PublicClient,
  d: PeerDescription,
): Promise<VerifiedPeer> {
  try {
    return await checkOffer(
      registryReader(client, d.registry),
      { chainId: d.chainId, registry: d.registry, roomId: d.roomId, member: d.peer },
      d,
    );
  } catch (e) {
    if (!(e instanceof OfferRefusedError)) throw e;
    throw new PeerVerificationError(e.reason, `Refused the peer's connection: ${e.detail}`);
  }
}
