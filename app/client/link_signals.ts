/**
 * What a `PeerLink` signals to its peer: its offers and answers (each made with current
 * TURN credentials, an unanswered offer sent again unchanged) and its trickled candidates. The
 * first offer may be made while the peer's commitment is still being read: it and the candidates
 * gathered meanwhile go out only once that check passed (`describe`'s `gate`).
 * @module
 */
import type { Address } from "viem";
import { encodeBase64Url } from "../core/bytes.ts";
import type { IceConfig } from "./ice.ts";
import { applyIceConfig, wireCandidate } from "./ice_path.ts";
import type { LinkSession } from "./link_types.ts";

/** An unanswered offer is sent again, unchanged, after this long: the server may have dropped
 * it (restarting, or failing closed while it cannot read the chain). */
const OFFER_RESEND_MS = 4_000;
const MAX_OFFER_RESENDS = 10;
/** Candidates kept until the first description goes out. */
const MAX_HELD_CANDIDATES = 64;

/**
 * A peer link's outgoing signaling.
 *
 * @example
 * ```ts ignore
 * const signals = new LinkSignals(pc, session, peer, () => link.ended);
 * pc.onicecandidate = (e) => signals.candidate(e.candidate);
 * await signals.describe("offer"); // sent again while unanswered
 * signals.stop();
 * ```
 */
export class LinkSignals {
  #pc: RTCPeerConnection;
  #session: LinkSession;
  #peer: Address;
  #ended: () => boolean;
  #ice: IceConfig;
  #resendTimer: ReturnType<typeof setTimeout> | undefined;
  #resends = 0;
  /** Candidates gathered before our first description went out (null once it has). */
  #held: (RTCIceCandidate | null)[] | null = [];

  /**
   * @param pc The link's connection.
   * @param session What the room session's links share (keys, ICE servers, `signal`).
   * @param peer The peer's address.
   * @param ended True once the link is closed or refused (no offer is sent again then).
   */
  constructor(pc: RTCPeerConnection, session: LinkSession, peer: Address, ended: () => boolean) {
    this.#pc = pc;
    this.#session = session;
    this.#peer = peer;
    this.#ended = ended;
    this.#ice = session.ice;
  }

  /** Signals our trickled candidate (null: gathering ended), after our first description. */
  candidate(c: RTCIceCandidate | null): void {
    if (this.#held) return void (this.#held.length < MAX_HELD_CANDIDATES && this.#held.push(c));
    const candidate = c && wireCandidate(c);
    this.#session.signal({ type: "ice", to: this.#peer, roomId: this.#session.roomId, candidate });
  }

  /**
   * Makes, applies and signals our offer (an ICE restart with `iceRestart`) or answer; with
   * `gate`, signals nothing (and keeps the candidates) unless it resolves true.
   */
  async describe(
    type: "offer" | "answer",
    iceRestart = false,
    gate?: Promise<boolean>,
  ): Promise<void> {
    // Gathering starts at setLocalDescription: current TURN credentials first.
    const fresh = await this.#session.freshIce().catch(() => null);
    if (fresh) {
      this.#ice = applyIceConfig(this.#pc, this.#ice, fresh, this.#session.keys.certificate);
    }
    const description = type === "offer"
      ? await this.#pc.createOffer({ iceRestart })
      : await this.#pc.createAnswer();
    await this.#pc.setLocalDescription(description);
    if (gate && !(await gate)) return;
    this.#signalDescription(type);
    const held = this.#held;
    this.#held = null;
    for (const c of held ?? []) this.candidate(c);
    if (type === "offer") {
      this.#resends = 0;
      this.#resendUnanswered();
    }
  }

  /** Sends no offer again. */
  stop(): void {
    clearTimeout(this.#resendTimer);
  }

  #signalDescription(type: "offer" | "answer"): void {
    const { keys, roomId } = this.#session;
    this.#session.signal({
      type,
      to: this.#peer,
      roomId,
      publicKey: encodeBase64Url(keys.keyPair.publicKey),
      kemKey: encodeBase64Url(keys.kemKeyPair.publicKey),
      sdp: this.#pc.localDescription!.sdp,
    });
  }

  /** Sends the same offer again while no answer came (bounded). */
  #resendUnanswered(): void {
    clearTimeout(this.#resendTimer);
    this.#resendTimer = setTimeout(() => {
      if (this.#ended() || this.#pc.signalingState !== "have-local-offer") return;
      if (this.#resends++ >= MAX_OFFER_RESENDS) return;
      this.#signalDescription("offer");
      this.#resendUnanswered();
    }, OFFER_RESEND_MS);
  }
}
