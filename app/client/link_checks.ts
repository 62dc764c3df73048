/**
 * The checks one {@linkcode PeerLink} makes of its peer, with their problems reported to it: the
 * peer's commitment before offering, its first description (against the pre-read, the chain's own
 * verdict following), and every later one (the same keys at once, the chain alongside). The checks
 * themselves are in link_verify.ts.
 * @module
 */
import type { Address } from "viem";
import type { Description, VerifiedKeys } from "../chain/offer_check.ts";
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

  /** Whether the chain says the peer holds a commitment in the live room; reports it if not. */
  async peerCommitted(): Promise<boolean> {
    const check = await checkPeerCommitted(this.session, this.peer);
    if (check.ok) return !this.ended();
    this.report(check);
    return false;
  }

  /**
   * The one offer check of the first description, compared with the peer's pre-read when there
   * is a usable one (the chain's own verdict then comes in {@linkcode chainAgreed}); null when
   * refused or unverifiable.
   */
  async first(d: Description): Promise<VerifiedKeys | null> {
    const { publicKey, kemKey, sdp } = d;
    const check = await checkFirstDescription(this.session, this.peer, { publicKey, kemKey, sdp });
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
