/**
 * Media on a verified peer link (calls, issue 13): audio and video transceivers on the link's own
 * RTCPeerConnection, so media is DTLS-SRTP under the very certificate the link checked against
 * the peer's on-chain commitment. No second connection is ever made for a call.
 *
 * Adding or stopping media renegotiates that connection. Only the link's offerer (the lower
 * address) sends offers, as for the first one, so offers never cross; the answerer's side says
 * what it sends in its answer ({@linkcode LinkMedia.onRemoteOffer}). Every new description goes
 * through the same checks as the first: the server's offer check before relaying, and the
 * peer's own check against the chain with the keys unchanged (link_verify.ts). After a verified
 * renegotiation is applied, every transceiver must ride the link's one DTLS transport
 * ({@linkcode sameTransport}); anything else refuses the link, and the call ends with the reason.
 * @module
 */

/** What a feature may do with media on a verified link. */
export interface LinkMedia {
  /** The link's transceivers now (none until a call adds them). */
  transceivers(): RTCRtpTransceiver[];
  /**
   * Adds a transceiver (offerer only: the answerer's come with the peer's offer).
   *
   * @throws {Error} "Cannot add media: …" on the answering side or on a closed link.
   */
  addTransceiver(kind: "audio" | "video", init?: RTCRtpTransceiverInit): RTCRtpTransceiver;
  /**
   * Offerer: sends a new offer on the verified path (after the current exchange, if one runs).
   *
   * @returns false on the answering side or when the link is not open.
   */
  renegotiate(): Promise<boolean>;
  /** Called after a verified offer from the peer was applied, before our answer is made. */
  onRemoteOffer(fn: () => void | Promise<void>): () => void;
  /** Called for every remote track the connection gets. */
  onTrack(fn: (e: RTCTrackEvent) => void): () => void;
  /** The connection's statistics (inbound-rtp, outbound-rtp, candidate pairs). */
  stats(): Promise<RTCStatsReport>;
}

/** What {@linkcode MediaControl} needs from its link. */
export interface MediaHost {
  readonly offerer: boolean;
  /** True while the link is open (verified, keys confirmed). */
  open(): boolean;
  /** Sends a new offer now (the link's offer path, with its resends). */
  offer(): Promise<void>;
}

/**
 * The media side of one PeerLink: listeners, and renegotiations queued one at a time.
 *
 * @example
 * ```ts ignore
 * const media = new MediaControl(pc, { offerer, open: () => state === "open", offer });
 * pc.ontrack = (e) => media.track(e);
 * await media.remoteOfferApplied(); // before createAnswer
 * ```
 */
export class MediaControl implements LinkMedia {
  #pc: RTCPeerConnection;
  #host: MediaHost;
  #offerHooks = new Set<() => void | Promise<void>>();
  #trackHooks = new Set<(e: RTCTrackEvent) => void>();
  /** A renegotiation asked while an exchange was running: it runs when the answer is in. */
  #pending: { resolve(ok: boolean): void }[] = [];

  constructor(pc: RTCPeerConnection, host: MediaHost) {
    this.#pc = pc;
    this.#host = host;
  }

  transceivers(): RTCRtpTransceiver[] {
    return this.#pc.signalingState === "closed" ? [] : this.#pc.getTransceivers();
  }

  addTransceiver(kind: "audio" | "video", init?: RTCRtpTransceiverInit): RTCRtpTransceiver {
    if (!this.#host.offerer) {
      throw new Error("Cannot add media: the answering side takes the peer's transceivers");
    }
    if (this.#pc.signalingState === "closed") throw new Error("Cannot add media: link closed");
    return this.#pc.addTransceiver(kind, init);
  }

  renegotiate(): Promise<boolean> {
    if (!this.#host.offerer || !this.#host.open()) return Promise.resolve(false);
    if (this.#pc.signalingState !== "stable") {
      return new Promise((resolve) => this.#pending.push({ resolve }));
    }
    return this.#host.offer().then(() => true, () => false);
  }

  onRemoteOffer(fn: () => void | Promise<void>): () => void {
    this.#offerHooks.add(fn);
    return () => this.#offerHooks.delete(fn);
  }

  onTrack(fn: (e: RTCTrackEvent) => void): () => void {
    this.#trackHooks.add(fn);
    return () => this.#trackHooks.delete(fn);
  }

  stats(): Promise<RTCStatsReport> {
    return this.#pc.getStats();
  }

  /** PeerLink: a remote track arrived. */
  track(e: RTCTrackEvent): void {
    for (const fn of this.#trackHooks) fn(e);
  }

  /** PeerLink: a verified offer is applied; the features set what they send before the answer. */
  async remoteOfferApplied(): Promise<void> {
    for (const fn of this.#offerHooks) await fn();
  }

  /** PeerLink: an answer was applied; a renegotiation asked meanwhile goes now (one for all). */
  answerApplied(): void {
    const waiting = this.#pending.splice(0);
    if (waiting.length === 0) return;
    void this.renegotiate().then((ok) => waiting.forEach((w) => w.resolve(ok)));
  }

  /** PeerLink: the link ended; waiting renegotiations fail. */
  close(): void {
    for (const w of this.#pending.splice(0)) w.resolve(false);
    this.#offerHooks.clear();
    this.#trackHooks.clear();
  }
}

/**
 * True when every live transceiver rides the connection's one DTLS transport (the one whose
 * certificate was checked). Browsers that do not expose `transport` pass (BUNDLE is enforced by
 * `bundlePolicy: "max-bundle"` on our side).
 *
 * @param pc The link's connection, after a remote description was applied.
 * @returns false when a media section got a transport of its own.
 *
 * @example
 * ```ts ignore
 * if (!sameTransport(pc)) refuse("a media section is not on the verified transport");
 * ```
 */
export function sameTransport(pc: RTCPeerConnection): boolean {
  const dtls = pc.sctp?.transport ?? null;
  if (!dtls) return true;
  for (const t of pc.getTransceivers()) {
    if (t.currentDirection === "stopped" || t.mid === null) continue;
    const own = t.receiver.transport ?? t.sender.transport ?? null;
    if (own && own !== dtls) return false;
  }
  return true;
}
