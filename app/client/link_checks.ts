/**
 * The checks one {@linkcode PeerLink} makes of its peer, with their problems reported to it: the
 * peer's commitment before offering, its first description (against the pre-read, the chain's own
 * verdict following), and every later one (the same keys at once, the chain alongside). The checks
 * themselves are in link_verify.ts.
 * @module
 */
import type { Address, Hex } from "viem";
import type { CommitmentReader, Description, VerifiedKeys } from "../chain/offer_check.ts";
import type { LinkSession } from "./link_types.ts";
import {
  checkFirstDescription,
  checkPeerCommitted,
  type CheckProblem,
  checkRenegotiation,
} from "./link_verify.ts";

/**
 * A link's checks of its peer.
 *
 * @example
 * ```ts ignore
 * const checks = new LinkChecks(session, peer, (p) => refuse(p), () => ended);
 * const verified = await checks.first({ publicKey, kemKey, sdp });
 * if (verified && await checks.chainAgreed) open();
 * ```
 */
export class LinkChecks {
  /** Whether the chain, read again after a first description checked against a pre-read,
   * agrees with it (true at once when the check read the chain itself). */
  chainAgreed: Promise<boolean> = Promise.resolve(false);

  /**
   * @param session What the room session's links share.
   * @param peer The peer's address.
   * @param report Reports a problem (the link refuses or fails with it).
   * @param ended True once the link is closed or refused (later problems are not reported).
   */
  constructor(
    readonly session: LinkSession,
    readonly peer: Address,
    readonly report: (problem: CheckProblem) => void,
    readonly ended: () => boolean,
  ) {}

  /** The offerer's second chain read, started once the peer's commitment is known to hold. */
  #readAhead: CommitmentReader | undefined;

  /**
   * Whether the chain says the peer holds a commitment in the live room; reports it if not.
   * When it does, the chain read the answer is checked with again (`chainAgreed`) starts now,
   * as the offer goes out, rather than when the answer comes: it is then done by the time the
   * channel would open (docs/DECISIONS.md, "The offerer's second read").
   */
  async peerCommitted(): Promise<boolean> {
    const check = await checkPeerCommitted(this.session, this.peer);
    if (!check.ok) {
      this.report(check);
      return false;
    }
    this.#readAhead = readAhead(this.session.reader, this.session.roomId, this.peer);
    return !this.ended();
  }

  /**
   * The one offer check of the first description, compared with the peer's pre-read when there
   * is a usable one (the chain's own verdict then comes in {@linkcode chainAgreed}); null when
   * refused or unverifiable.
   */
  async first(d: Description): Promise<VerifiedKeys | null> {
    const { publicKey, kemKey, sdp } = d;
    const check = await checkFirstDescription(
      this.session,
      this.peer,
      { publicKey, kemKey, sdp },
      this.#readAhead,
    );
    if (!check.ok) {
      this.report(check);
      return null;
    }
    this.chainAgreed = check.chain.then((problem) => {
      if (problem && !this.ended()) this.report(problem);
      return problem === null;
    });
    return check.verified;
  }

  /** A later description: the same keys at once, the chain check alongside (link_verify.ts). */
  again(before: VerifiedKeys, d: Description): VerifiedKeys | null {
    const { publicKey, kemKey, sdp } = d;
    const check = checkRenegotiation(this.session, this.peer, before, { publicKey, kemKey, sdp });
    if (!check.ok) {
      this.report(check);
      return null;
    }
    void check.chain.then((problem) => problem && !this.ended() && this.report(problem));
    return check.verified;
  }
}

/**
 * A reader whose reads of `member`'s room and commitment are started now and answered from then
 * on (every other read goes through): a chain read made at a known moment, asked before it is
 * needed.
 *
 * @param reader The chain reader.
 * @param roomId The room.
 * @param member The member whose commitment is read.
 * @returns The reader.
 *
 * @example
 * ```ts ignore
 * const ahead = readAhead(session.reader, roomId, peer); // both reads under way
 * await checkOffer(ahead, ctx, answer); // answered by the reads made above
 * ```
 */
export function readAhead(
  reader: CommitmentReader,
  roomId: Hex,
  member: Address,
): CommitmentReader {
  const room = reader.room(roomId);
  const commitment = reader.commitment(roomId, member);
  // Settled later by whoever asks; a failure then is theirs to report.
  room.catch(() => {});
  commitment.catch(() => {});
  const mine = (id: Hex, m?: Address) =>
    id === roomId && (m === undefined || m.toLowerCase() === member.toLowerCase());
  return {
    room: (id) => mine(id) ? room : reader.room(id),
    commitment: (id, m, expected) => mine(id, m) ? commitment : reader.commitment(id, m, expected),
    nowSeconds: () => reader.nowSeconds(),
  };
}
