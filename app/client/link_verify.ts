/**
 * The check a link makes of every description the peer sends (offer, answer, ICE restart): the
 * one offer check against the peer's on-chain commitment (app/chain/offer_check.ts), and, after
 * the first, that the keys did not change during the session.
 * @module
 */
import type { Address } from "viem";
import { ChainUnavailableError } from "../chain/errors.ts";
import {
  checkMember,
  checkOffer,
  type CommitmentReader,
  describeKeys,
  type Description,
  OfferRefusedError,
  type VerifiedKeys,
} from "../chain/offer_check.ts";
import { equalBytes } from "../core/bytes.ts";
import { commitmentMatches } from "../core/commitment.ts";
import type { LinkProblem, LinkSession } from "./link_types.ts";
import type { SecureChannelKeys } from "./secure_channel.ts";

/** A check's problem to report: refused (will not connect) or failed (could not check). */
export type CheckProblem = { ok: false; refuse: boolean; kind: LinkProblem; message: string };

/** What the check found: the verified keys, or the problem to report. */
export type DescriptionCheck = { ok: true; verified: VerifiedKeys } | CheckProblem;

/**
 * Checks on chain, before any offer, that the peer holds a commitment in the live room: an offer
 * and its candidates carry our addresses, so they go only to a peer the chain says is a member
 * with keys here, whoever the server lists (issue 10, item 3). The read is the peer's pre-read
 * when the freshness rule allows it (commitment_preread.ts), else a new one kept as the pre-read
 * the answer is then compared with.
 *
 * @param session The room session's shared link settings (room and reader).
 * @param peer The peer's address.
 * @returns ok, or a refusal (no commitment, room closed) or failure (chain unreachable).
 *
 * @example
 * ```ts ignore
 * const check = await checkPeerCommitted(session, peer);
 * if (check.ok) await sendOffer();
 * ```
 */
export async function checkPeerCommitted(
  session: LinkSession,
  peer: Address,
): Promise<{ ok: true } | CheckProblem> {
  const { preread, reader, roomId } = session;
  try {
    await (preread
      ? preread.usable(peer) ?? preread.read(peer)
      : checkMember(reader, roomId, peer));
    return { ok: true };
  } catch (e) {
    if (e instanceof OfferRefusedError) {
      const why = e.reason === "no-commitment"
        ? "it has no key commitment on chain in this room"
        : e.detail;
      return {
        ok: false,
        refuse: true,
        kind: "not-committed",
        message: `Not connecting to this peer: ${why}`,
      };
    }
    if (e instanceof ChainUnavailableError) return unreachable();
    throw e;
  }
}

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
    if (e instanceof ChainUnavailableError) return unreachable();
    throw e;
  }
}

/** A check made early: the local verdict now, the chain's when it comes (null: agreed). */
export type EarlyCheck =
  | { ok: true; verified: VerifiedKeys; chain: Promise<CheckProblem | null> }
  | CheckProblem;

/**
 * Checks a later description of a verified link (a call's renegotiation, an ICE restart) in two
 * parts, so media does not wait on a chain round trip (issue 13, accept → first frame):
 *
 * 1. at once, before anything is applied: the description must carry exactly the keys verified
 *    for the first one (public key, ML-KEM key, DTLS fingerprint), so the commitment they hash to
 *    is the one read from the chain then; a swapped fingerprint or key is refused here;
 * 2. in parallel with applying and answering it: the same chain check as the first description
 *    ({@linkcode checkDescription}: room open, commitment still the one on chain). Its problem,
 *    if any, comes in `chain`; the link then refuses (or fails) as for a first description.
 *
 * Nothing new is trusted in between: the DTLS transport is the one already verified and in use,
 * and the chat on the same connection goes on meanwhile too (docs/DECISIONS.md, "Calls").
 *
 * @param session The room session's shared link settings.
 * @param peer The peer's address.
 * @param before The keys verified for the link's first description.
 * @param description The peer's new description.
 * @returns The local verdict and, when it passed, the chain check under way.
 *
 * @example
 * ```ts ignore
 * const check = checkRenegotiation(session, peer, verified, { publicKey, kemKey, sdp });
 * if (!check.ok) return report(check);
 * check.chain.then((problem) => problem && report(problem));
 * await pc.setRemoteDescription({ type, sdp });
 * ```
 */
export function checkRenegotiation(
  session: LinkSession,
  peer: Address,
  before: VerifiedKeys,
  description: Description,
): EarlyCheck {
  const { chainId, registry, roomId } = session;
  let now: VerifiedKeys;
  try {
    const described = describeKeys({ chainId, registry, roomId, member: peer }, description);
    // Other keys hash to another commitment than the one the chain held for the first check.
    if (described.commitment !== before.commitment) {
      throw new OfferRefusedError("commitment-mismatch");
    }
    now = { ...described, blockNumber: before.blockNumber };
  } catch (e) {
    if (e instanceof OfferRefusedError) {
      return refuse(`Refused the peer's connection: ${e.detail}`);
    }
    throw e;
  }
  return { ok: true, verified: now, chain: chainVerdict(session, peer, before, description) };
}

/**
 * Checks a link's first description (offer or answer) against the peer's pre-read commitment
 * (commitment_preread.ts), so the chain round trip leaves the way to the first message (issue 11,
 * setup time):
 *
 * 1. when the freshness rule gives a pre-read that succeeded and the description's keys hash to
 *    it, they pass at once, and the same chain check as {@linkcode checkDescription} is made
 *    again in parallel (`chain`): the link must not open before it agrees, so a commitment
 *    replaced on chain after the pre-read is still refused;
 * 2. otherwise (no pre-read, a failed or stale one, or keys that do not match it: the peer may
 *    have committed again since) the chain is read now, as {@linkcode checkDescription} does,
 *    and `chain` is already settled.
 *
 * @param session The room session's shared link settings (and its pre-reads).
 * @param peer The peer's address.
 * @param description The peer's description.
 * @param chainReader What the chain's verdict in case 1 reads (default the session's reader;
 *   the offerer's reads started as its offer went out, link_checks.ts).
 * @returns The verdict now and, when it passed, the chain's.
 *
 * @example
 * ```ts ignore
 * const check = await checkFirstDescription(session, peer, { publicKey, kemKey, sdp });
 * if (!check.ok) return report(check);
 * const agreed = check.chain.then((problem) => problem === null);
 * await pc.setRemoteDescription({ type, sdp }); // the link opens only once `agreed`
 * ```
 */
export async function checkFirstDescription(
  session: LinkSession,
  peer: Address,
  description: Description,
  chainReader: CommitmentReader = session.reader,
): Promise<EarlyCheck> {
  const stored = await session.preread?.usable(peer)?.catch(() => null);
  if (stored) {
    const { chainId, registry, roomId } = session;
    try {
      const described = describeKeys({ chainId, registry, roomId, member: peer }, description);
      if (commitmentMatches(described.commitment, stored.commitment)) {
        const verified = { ...described, blockNumber: stored.blockNumber };
        const chain = chainVerdict({ ...session, reader: chainReader }, peer, null, description);
        return { ok: true, verified, chain };
      }
    } catch (e) {
      if (e instanceof OfferRefusedError) {
        return refuse(`Refused the peer's connection: ${e.detail}`);
      }
      throw e;
    }
  }
  const check = await checkDescription(session, peer, null, description);
  return check.ok ? { ...check, chain: Promise.resolve(null) } : check;
}

/** The chain's verdict on a description, made now: null when it agrees. */
function chainVerdict(
  session: LinkSession,
  peer: Address,
  before: VerifiedKeys | null,
  description: Description,
): Promise<CheckProblem | null> {
  return checkDescription(session, peer, before, description).then(
    (check) => check.ok ? null : check,
    () => unreachable(),
  );
}

function unreachable(): CheckProblem {
  return {
    ok: false,
    refuse: false,
    kind: "chain-unreachable",
    message: "Cannot check the peer's keys: the chain is unreachable",
  };
}

function refuse(message: string): CheckProblem {
  return { ok: false, refuse: true, kind: "commitment-mismatch", message };
}

function sameKeys(a: VerifiedKeys, b: VerifiedKeys): boolean {
  return equalBytes(a.publicKey, b.publicKey) && equalBytes(a.fingerprint, b.fingerprint) &&
    equalBytes(a.kemKey, b.kemKey);
}

/**
 * The keys a link's encrypted channel is made from (secure_channel.ts): ours, and the peer's as
 * its description was verified.
 *
 * @param session The room session's shared link settings (our keys).
 * @param peer The peer's address.
 * @param verified The peer's keys from {@linkcode checkDescription}.
 * @returns The channel's keys.
 *
 * @example
 * ```ts ignore
 * const prepared = prepareSecureChannel(channelKeys(session, peer, verified));
 * ```
 */
export function channelKeys(
  session: LinkSession,
  peer: Address,
  verified: VerifiedKeys,
): SecureChannelKeys {
  const { keys, roomId, self } = session;
  return {
    roomId,
    keyPair: keys.keyPair,
    kemKeyPair: keys.kemKeyPair,
    self: { address: self, fingerprint: keys.fingerprint },
    peer: {
      address: peer,
      publicKey: verified.publicKey,
      fingerprint: verified.fingerprint,
      kemKey: verified.kemKey,
    },
  };
}
