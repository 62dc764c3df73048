/**
 * One verified WebRTC link to one peer in a room. The lower address offers (offers never cross).
 * Each side checks the other's description against the chain before `setRemoteDescription` (the
 * offer check, app/chain/offer_check.ts, through link_checks.ts), checks after connecting that the
 * DTLS certificate in use is the committed one (certificate_in_use.ts), then runs key confirmation
 * and encrypted chat over the data channel (secure_channel.ts). Signals go out through
 * link_signals.ts; a lost ICE path is restarted by the offerer (ice_recovery.ts). State is in
 * {@linkcode PeerLink.status} (it only moves forward, `LINK_FORWARD`, until the link ends),
 * messages are events; calls renegotiate the same connection, each description checked like the
 * first ({@linkcode PeerLink.media}, link_media.ts).
 * @module
 */
import type { Address, Hex } from "viem";
import type { Description, VerifiedKeys } from "../chain/offer_check.ts";
import type { ReceiptMessage, TextMessage } from "../core/message.ts";
import type { IceCandidate } from "../core/wire.ts";
import { certificateInUse } from "./certificate_in_use.ts";
import { type DataChannelTransport, dataChannelTransport } from "./data_channel_transport.ts";
import { Emitter } from "./emitter.ts";
import { IceRecovery } from "./ice_recovery.ts";
import { LinkChannels } from "./link_extension.ts";
import { type LinkMedia, MediaControl, sameTransport } from "./link_media.ts";
import { LinkSignals } from "./link_signals.ts";
import {
  LINK_ENDS,
  LINK_FORWARD,
  type LinkProblem,
  type LinkSession,
  type LinkState,
  type PeerLinkEvents,
  type PeerStatus,
} from "./link_types.ts";
import { LinkChecks } from "./link_checks.ts";
import { channelKeys, type CheckProblem } from "./link_verify.ts";
import { sdpSession } from "../core/sdp.ts";
import {
  openSecureChannel,
  type PreparedChannel,
  prepareOwnSafetyNumber,
  prepareSecureChannel,
  type SecureChannel,
} from "./secure_channel.ts";
import { Store } from "./store.ts";

export type * from "./link_types.ts";

/** How long a link may take to open before it fails (the room session then tries again). */
export const CONNECT_TIMEOUT_MS = 30_000;
/** Candidates kept while their description is being verified. */
const MAX_PENDING_ICE = 64;

/**
 * One peer connection, its verification and its encrypted channel.
 *
 * @example
 * ```ts ignore
 * const link = new PeerLink(session, peerAddress);
 * link.events.on("text", (m) => show(m.text));
 * link.status.subscribe((s) => render(s.state, s.safetyNumber));
 * await link.start();
 * ```
 */
export class PeerLink {
  readonly status = new Store<PeerStatus>({
    state: "waiting",
    path: null,
    safetyNumber: null,
    problem: null,
    reconnecting: false,
  });
  readonly events = new Emitter<PeerLinkEvents>();
  /** True for the side that offers (lower address). */
  readonly offerer: boolean;

  #pc: RTCPeerConnection;
  #channel: SecureChannel | null = null;
  #transport: DataChannelTransport | null = null;
  #verified: VerifiedKeys | null = null;
  /** The checks of the peer's commitment and descriptions (link_checks.ts). */
  #checks: LinkChecks;
  /** Session keys, hello and safety number, made while ICE and DTLS run. */
  #prepared: Promise<PreparedChannel> | null = null;
  #pendingIce: RTCIceCandidateInit[] = [];
  #remoteSet = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Our offers, answers and candidates (link_signals.ts). */
  #signals: LinkSignals;
  /** The ICE path followed, and restarted when lost (ice_recovery.ts). */
  #recovery: IceRecovery;
  /** Channels of the session's extensions (files), handed over once the link is open. */
  #extensions: LinkChannels;
  #media: MediaControl;

  /** @param session What the room session's links share. @param peer The peer's address. */
  constructor(readonly session: LinkSession, readonly peer: Address) {
    this.offerer = session.self.toLowerCase() < peer.toLowerCase();
    this.#extensions = new LinkChannels(session.extensions ?? []);
    this.#pc = session.rtc.createPeerConnection({
      iceServers: session.ice.iceServers,
      iceTransportPolicy: session.ice.iceTransportPolicy ?? "all",
      certificates: [session.keys.certificate],
      // Media (calls) shares the one verified DTLS transport: no section gets one of its own.
      bundlePolicy: "max-bundle",
    });
    // Our half of the safety number, ahead of any peer's keys (made once per session's keys).
    prepareOwnSafetyNumber({
      address: session.self,
      publicKey: session.keys.keyPair.publicKey,
      fingerprint: session.keys.fingerprint,
      kemKey: session.keys.kemKeyPair.publicKey,
    });
    this.#signals = new LinkSignals(this.#pc, session, peer, () => this.ended);
    this.#checks = new LinkChecks(session, peer, (p) => this.#report(p), () => this.ended);
    this.#recovery = new IceRecovery(this.#pc, {
      offerer: this.offerer,
      isOpen: () => this.state === "open",
      remoteSet: () => this.#remoteSet,
      set: (patch) => this.#set(patch),
      restartOffer: () => this.#signals.describe("offer", true),
    });
    this.#media = new MediaControl(this.#pc, {
      offerer: this.offerer,
      open: () => this.state === "open",
      offer: () => this.#signals.describe("offer"),
    });
    this.#pc.ontrack = (e) => this.#media.track(e);
    this.#pc.onicecandidate = (e) => this.#signals.candidate(e.candidate);
    this.#pc.oniceconnectionstatechange = () => this.#recovery.onIceState();
    this.#pc.onconnectionstatechange = () => this.#onConnectionState();
    this.#pc.ondatachannel = (e) =>
      this.#extensions.adopt(e.channel) || this.#useDataChannel(e.channel);
  }

  /** The link's state now (shorthand for `status.value.state`). */
  get state(): LinkState {
    return this.status.value.state;
  }

  /** True once closed or refused: the link will not come back (a new one may replace it). */
  get ended(): boolean {
    return this.state === "closed" || this.state === "refused";
  }

  /** The block of the peer's commitment this link verified (null before verification). */
  get verifiedBlock(): bigint | null {
    return this.#verified?.blockNumber ?? null;
  }

  /** The peer's full commitment this link verified (null before verification). */
  get verifiedCommitment(): Hex | null {
    return this.#verified?.commitment ?? null;
  }

  /** Media on this link's verified connection (calls): link_media.ts. */
  get media(): LinkMedia {
    return this.#media;
  }

  /**
   * Whether an SDP comes from another connection of the peer's than the one this link answered
   * (its origin line names another session: the peer gave up on that one and started again).
   *
   * @param sdp The peer's new offer.
   */
  fromOtherConnection(sdp: string): boolean {
    const now = this.#pc.remoteDescription?.sdp;
    return now !== undefined && sdpSession(now) !== sdpSession(sdp);
  }

  /** ICE restarts done so far. */
  get iceRestarts(): number {
    return this.#recovery.restarts;
  }

  /** Starts the link: the offerer sends its offer, the answerer waits. */
  async start(): Promise<void> {
    this.#timer = setTimeout(() => {
      if (this.state !== "open" && this.state !== "refused") {
        // The peer cannot tell us it refused our keys (the server could drop that too), so
        // say what we know: no verified connection came up in time.
        this.#fail("connection-failed", LINK_ENDS.timeout);
      }
    }, this.session.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
    if (!this.offerer) return;
    // The offer is made while the peer's commitment is read, and sent only if it holds one.
    const committed = this.#checks.peerCommitted();
    this.#useDataChannel(this.#pc.createDataChannel("mesh3", { ordered: true }));
    this.#extensions.open(this.#pc);
    await this.#signals.describe("offer", false, committed);
  }

  /**
   * Handles the peer's offer or answer (already parsed by the wire parser).
   *
   * @param type "offer" or "answer".
   * @param d The keys (base64url ECDH public key and ML-KEM-768 key) and the SDP.
   */
  async handleDescription(type: "offer" | "answer", d: Description): Promise<void> {
    if (this.ended) return;
    if ((type === "offer") === this.offerer) return; // Wrong role: ignore.
    // A second answer to an offer we resent: the first one was applied already.
    if (type === "answer" && this.#pc.signalingState !== "have-local-offer") return;
    const first = this.#verified === null;
    if (first) this.#advance("verifying");
    // Candidates of this description wait until it is verified and applied.
    this.#remoteSet = false;
    const verified = first ? await this.#checks.first(d) : this.#checks.again(this.#verified!, d);
    if (!verified) return;
    this.#verified = verified;
    // The verified description is handed to the browser first: the peer's DTLS handshake waits
    // for it (on the offerer: the answerer's, started as soon as its ICE check passed).
    const applied = this.#pc.setRemoteDescription({ type, sdp: d.sdp });
    // Keys and hello need only the verified keys: make them while ICE and DTLS run.
    if (first) this.#prepared = this.#prepare(verified);
    await applied;
    if (!first && !sameTransport(this.#pc)) {
      return this.#refuse("certificate-mismatch", LINK_ENDS.mediaMoved);
    }
    this.#remoteSet = true;
    this.#recovery.followPairs();
    // All at once: the connection's operations chain applies them in order (no round trip each).
    const pending = this.#pendingIce.splice(0);
    await Promise.all(pending.map((c) => this.#pc.addIceCandidate(c).catch(() => {})));
    // Not back: the channel may have opened while the candidates were being applied.
    if (first) this.#advance("connecting");
    if (type === "answer") return this.#media.answerApplied();
    await this.#media.remoteOfferApplied();
    if (!this.ended) await this.#signals.describe("answer");
  }

  /** Handles the peer's trickled candidate (null at the end), queued until its description is
   * verified. */
  async handleIce(candidate: IceCandidate | null): Promise<void> {
    if (!candidate) return;
    if (!this.#remoteSet) {
      if (this.#pendingIce.length < MAX_PENDING_ICE) this.#pendingIce.push(candidate);
      return;
    }
    await this.#pc.addIceCandidate(candidate).catch(() => {});
  }

  /**
   * Encrypts and sends a chat text (the room session picks its id, time and roster hash).
   *
   * @param text Id, text, time and the sender's roster hash.
   * @returns false when the channel is not open.
   */
  async send(text: Omit<TextMessage, "type">): Promise<boolean> {
    if (!this.#channel || this.state !== "open") return false;
    await this.#channel.sendText(text);
    return true;
  }

  /**
   * Encrypts and sends a receipt (to a text's author, or echoed to another member).
   *
   * @param receipt The author, id, roster and message hash of the text.
   * @returns false when the channel is not open.
   */
  async sendReceipt(receipt: Omit<ReceiptMessage, "type">): Promise<boolean> {
    if (!this.#channel || this.state !== "open") return false;
    await this.#channel.sendReceipt(receipt);
    return true;
  }

  /**
   * The peer's commitment on chain is no longer the one this link verified (seen by the
   * session's chain watch): the keys in use are not the committed ones any more, so the link
   * closes and says why.
   */
  commitmentChanged(): void {
    if (this.ended) return;
    this.#fail("commitment-mismatch", LINK_ENDS.commitmentChanged);
  }

  /** The peer's socket left the room: the link is kept while the connection lives. */
  peerLeft(): void {
    if (this.state !== "open") this.close("peer-left", LINK_ENDS.peerLeft);
  }

  /** Closes the link; `kind` and `message` say why when the close is a problem. */
  close(kind?: LinkProblem, message?: string): void {
    clearTimeout(this.#timer);
    this.#recovery.stop();
    this.#signals.stop();
    this.#channel?.close();
    this.#extensions.close();
    this.#media.close();
    this.#pc.close();
    const s = this.status.value;
    this.#set({
      state: s.state === "refused" ? "refused" : "closed",
      problem: s.problem ?? (kind && message ? { kind, message } : null),
    });
  }

  #report(problem: CheckProblem): void {
    if (problem.refuse) this.#refuse(problem.kind, problem.message);
    else this.#fail(problem.kind, problem.message);
  }

  #useDataChannel(dc: RTCDataChannel): void {
    dc.binaryType = "arraybuffer";
    // Listen at once: the peer's confirmation frame may arrive before our checks finish.
    this.#transport = dataChannelTransport(dc);
    dc.onopen = () => void this.#onOpen();
    dc.onclose = () => {
      if (this.state === "open" || this.state === "confirming") {
        this.close("peer-left", LINK_ENDS.channelClosed);
      }
    };
  }

  #prepare(verified: VerifiedKeys): Promise<PreparedChannel> {
    const prepared = prepareSecureChannel(channelKeys(this.session, this.peer, verified));
    prepared.catch(() => {}); // Reported when the channel opens with it.
    return prepared;
  }

  /**
   * The DataChannel is open: key confirmation runs beside the check that the DTLS certificate in
   * use is the committed one (the transcript already binds the committed fingerprints, and no
   * frame of the peer's is read until the check passes) and beside the chain's own verdict on a
   * description checked against a pre-read; the link opens when all three succeed.
   */
  async #onOpen(): Promise<void> {
    this.#advance("confirming");
    const verified = this.#verified;
    if (!verified) return this.#refuseCertificate();
    const agreed = this.#checks.chainAgreed;
    const certificate = certificateInUse(this.#pc, verified.fingerprint).then((used) => !!used);
    const opening = openSecureChannel({
      ...channelKeys(this.session, this.peer, verified),
      transport: this.#transport!,
      prepared: this.#prepared ?? undefined,
      readAfter: Promise.all([certificate, agreed]).then(([c, a]) => c && a),
      onText: ({ id, text, sentAt, roster }) =>
        this.events.emit("text", { from: this.peer, id, text, sentAt, roster }),
      onReceipt: (receipt) => this.events.emit("receipt", { from: this.peer, receipt }),
      onBye: () => this.close("peer-left", LINK_ENDS.peerLeft),
      onError: (message) => this.#refuse("key-confirmation", message),
      subChannels: this.#extensions.labels,
    });
    opening.catch(() => {}); // Reported below, unless the certificate check refuses first.
    if (!(await certificate)) return this.#refuseCertificate();
    if (!(await agreed)) return; // Reported when the chain answered.
    try {
      const { channel, safetyNumber, subKeys } = await opening;
      // Ended meanwhile (timed out or closed): nothing of it opens.
      if (this.ended) return channel.close();
      this.#channel = channel;
      this.#set({ safetyNumber });
      this.#extensions.attach(this.peer, subKeys, this.#pc.sctp?.maxMessageSize);
    } catch (e) {
      if (this.ended) return; // Its channel closed with it: already said why.
      const why = e instanceof Error ? e.message : "unknown error";
      return this.#refuse("key-confirmation", `Key confirmation failed: ${why}`);
    }
    clearTimeout(this.#timer);
    this.#set({ state: "open" });
    await this.#recovery.readPath();
  }

  /**
   * A DTLS transport that fails after ICE found a path: the certificate presented on that path
   * is not the one in the verified description (RFC 8122 check by the browser), so someone
   * else is answering on the peer's behalf. Refuse and say so, rather than time out.
   */
  #onConnectionState(): void {
    if (this.#pc.connectionState !== "failed" || this.ended) return;
    if (this.#pc.sctp?.transport.state !== "failed") return;
    this.#refuse("certificate-mismatch", LINK_ENDS.pathCertificate);
  }

  #refuseCertificate(): void {
    this.#refuse("certificate-mismatch", LINK_ENDS.certificate);
  }

  #refuse(kind: LinkProblem, message: string): void {
    this.#set({ state: "refused", problem: { kind, message } });
    this.close();
  }

  #fail(kind: LinkProblem, message: string): void {
    this.#set({ problem: { kind, message } });
    this.close();
  }

  /** Moves the state forward, never back (a late step cannot undo an open: its timer is gone). */
  #advance(state: LinkState): void {
    if (!this.ended && LINK_FORWARD.indexOf(state) > LINK_FORWARD.indexOf(this.state)) {
      this.#set({ state });
    }
  }

  #set(patch: Partial<PeerStatus>): void {
    this.status.update((s) => ({ ...s, ...patch }));
  }
}
