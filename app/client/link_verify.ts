/**
 * The check a link makes of every description the peer sends (offer, answer, ICE restart): the
 * one offer check against the peer's on-chain commitment (app/chain/offer_check.ts), and, after
 * the first, that the keys did not change during the session.
 * @module
 */
import type { Address } from "viem";
import { ChainUnavailableError } from "../chain/errors.ts";
import {
  checkOffer,
  type Description,
  OfferRefusedError,
  type VerifiedKeys,
} from "../chain/offer_check.ts";
import { equalBytes } from "../core/bytes.ts";
import type { LinkProblem, LinkSession } from "./link_types.ts";

/** What the check found: the verified keys, or the problem to report. */
export type DescriptionCheck =
  | { ok: true; verified: VerifiedKeys }
  | { ok: false; refuse: boolean; kind: LinkProblem; message: string };

/**
 * Checks a peer's description against its on-chain commitment.
 *
 * @param session The room session's shared link settings (chain, registry, room, reader).
 * @param peer The peer's address.
 * @param before The keys verified earlier on this link, if any.
 * @param description The peer's base64url public key and SDP.
 * @returns The verified keys, or a refusal (keys do not match) or failure (chain unreachable).
 *
 * @example
 * ```ts ignore
 * const check = await checkDescription(session, peer, null, { publicKey, kemKey, sdp });
 * if (check.ok) await pc.setRemoteDescription({ type, sdp });
 * ```
 */
export async function checkDescription(
  session: LinkSession,
  peer: Address,
  before: VerifiedKeys | null,
  description: Description,
): Promise<DescriptionCheck> {
  const { chainId, registry, roomId, reader } = session;
  try {
    const verified = await checkOffer(
      reader,
      { chainId, registry, roomId, member: peer },
      description,
    );
    // An ICE restart keeps the keys: a changed key mid-session is refused too.
    if (before && !sameKeys(before, verified)) {
      return refuse("Refused the peer's connection: its keys changed during the session");
    }
    return { ok: true, verified };
  } catch (e) {
    if (e instanceof OfferRefusedError) {
      return refuse(`Refused the peer's connection: ${e.detail}`);
    }
    if (e instanceof ChainUnavailableError) {
      return {
        ok: false,
        refuse: false,
        kind: "chain-unreachable",
        message: "Cannot check the peer's keys: the chain is unreachable",
      };
    }
    throw e;
  }
}

function refuse(message: string): DescriptionCheck {
  return { ok: false, refuse: true, kind: "commitment-mismatch", message };
}

function sameKeys(a: VerifiedKeys, b: VerifiedKeys): boolean {
  return equalBytes(a.publicKey, b.publicKey) && equalBytes(a.fingerprint, b.fingerprint) &&
    equalBytes(a.kemKey, b.kemKey);
}
