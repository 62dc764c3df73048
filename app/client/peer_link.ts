/**
 * One verified WebRTC link to one peer in a room.
 *
 * The peer with the lower address offers; the other answers, so offers never cross (no glare).
 * Each side checks the other's description against the chain before `setRemoteDescription`
 * (verify_peer.ts), checks after connecting that the DTLS certificate in use is the committed one
 * (certificate_in_use.ts), then runs key confirmation and encrypted chat over the data channel
 * (secure_channel.ts). When the ICE path fails, the offerer restarts ICE.
 * @module
 */
import { signal } from "@preact/signals";
import type { Address, Hex, PublicClient } from "viem";
import type { EcdhKeyPair } from "../core/mod.ts";
import { encodeBase64Url } from "../core/wire.ts";
import type { IceCandidate } from "../core/wire.ts";
import type { IceConfig } from "./ice.ts";
import { type PathKind, selectedPath } from "./rtc_stats.ts";
import { certificateInUse, equalBytes } from "./certificate_in_use.ts";
import { applyIceConfig, watchSelectedPath } from "./ice_path.ts";
import { type DataChannelTransport, dataChannelTransport } from "./frame_queue.ts";
import { openSecureChannel, type SecureChannel } from "./secure_channel.ts";
import type { OutgoingMessage } from "./signaling.ts";
import { PeerVerificationError, type VerifiedPeer, verifyPeerDescription } from "./verify_peer.ts";

/** Where a link is. */
export type LinkState =
  | "waiting" // answerer: waiting for the peer's offer
  | "verifying" // checking the peer's keys against the chain
  | "connecting" // ICE and DTLS
  | "confirming" // DTLS certificate check and key confirmation
  | "open" // encrypted chat works
  | "refused" // the peer's keys or confirmation failed: will not connect
  | "closed"; // the peer left or the connection died

/** Failure kinds the UI has a banner for. */
export type LinkProblem =
  | "commitment-mismatch"
  | "certificate-mismatch"
  | "key-confirmation"
  | "chain-unreachable"
  | "peer-left"
  | "connection-failed";

/** A decrypted chat message from the peer. */
export interface IncomingText {
  from: Address;
  id: string;
  text: string;
  sentAt: number;
}

/** Everything a link needs from its session. */
export interface PeerLinkContext {
  self: Address;
  peer: Address;
  roomId: Hex;
  chainId: number;
  registry: Address;
  keyPair: EcdhKeyPair;
  certificate: RTCCertificate;
  fingerprint: Uint8Array;
  ice: IceConfig;
  /** Current ICE servers (fresh TURN credentials), asked before every offer and answer. */
  freshIce?: () => Promise<IceConfig>;
  publicClient: PublicClient;
  signal(message: OutgoingMessage): boolean;
  onText(message: IncomingText): void;
  onDelivered(id: string): void;
}

const CONNECT_TIMEOUT_MS = 30_000;
/** How long a "disconnected" path may heal by itself before the offerer restarts ICE. */
const ICE_GRACE_MS = 3_000;
const MAX_ICE_RESTARTS = 5;
/**
 * An offer with no answer after this long is sent again, unchanged: the server may have dropped
 * it (restarting, or failing closed while it cannot read the chain).
 */
const OFFER_RESEND_MS = 4_000;
const MAX_OFFER_RESENDS = 10;

/** One peer connection, its verification and its encrypted channel. */
export class PeerLink {
  readonly state = signal<LinkState>("waiting");
  readonly path = signal<PathKind | null>(null);
  readonly safetyNumber = signal<string | null>(null);
  readonly problem = signal<{ kind: LinkProblem; message: string } | null>(null);
  /** True while the network path is lost and being restored (ICE restart). */
  readonly reconnecting = signal(false);
  /** ICE restarts done so far. */
  get iceRestarts(): number {
    return this.#restarts;
  }
  /** True for the side that offers (lower address). */
  readonly offerer: boolean;

  #pc: RTCPeerConnection;
  #channel: SecureChannel | null = null;
  #transport: DataChannelTransport | null = null;
  #verified: VerifiedPeer | null = null;
  #pendingIce: RTCIceCandidateInit[] = [];
  #remoteSet = false;
  #restarts = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #iceTimer: ReturnType<typeof setTimeout> | undefined;
  #resendTimer: ReturnType<typeof setTimeout> | undefined;
  #resends = 0;
  #ice: IceConfig;
  #watchingPair = false;
  /** @param ctx The session's keys, chain and signaling. */
  constructor(readonly ctx: PeerLinkContext) {
    this.offerer = ctx.self.toLowerCase() < ctx.peer.toLowerCase();
    this.#ice = ctx.ice;
    this.#pc = new RTCPeerConnection({
      iceServers: ctx.ice.iceServers,
      iceTransportPolicy: ctx.ice.iceTransportPolicy ?? "all",
      certificates: [ctx.certificate],
    });
    this.#pc.onicecandidate = (e) => {
      const candidate: IceCandidate | null = e.candidate
        ? {
          candidate: e.candidate.candidate,
          sdpMid: e.candidate.sdpMid,
          sdpMLineIndex: e.candidate.sdpMLineIndex,
          usernameFragment: e.candidate.usernameFragment,
        }
        : null;
      if (candidate || e.candidate === null) {
        ctx.signal({ type: "ice", to: ctx.peer, roomId: ctx.roomId, candidate });
      }
    };
    this.#pc.oniceconnectionstatechange = () => this.#onIceState();
    this.#pc.onconnectionstatechange = () => this.#onConnectionState();
    this.#pc.ondatachannel = (e) => this.#useDataChannel(e.channel);
  }

  /** The block of the peer's commitment this link verified (null before verification). */
  get verifiedBlock(): bigint | null {
    return this.#verified?.blockNumber ?? null;
  }

  /** Starts the link: the offerer sends its offer, the answerer waits. */
  async start(): Promise<void> {
    this.#timer = setTimeout(() => {
      if (this.state.value !== "open" && this.state.value !== "refused") {
        // The peer cannot tell us it refused our keys (the server could drop that too), so
        // say what we know: no verified connection came up in time.
        this.#fail(
          "connection-failed",
          "Could not connect to the peer in 30 seconds: it may have refused our keys, or " +
            "something on the path is blocking or tampering with the connection",
        );
      }
    }, CONNECT_TIMEOUT_MS);
    if (!this.offerer) return;
    this.#useDataChannel(this.#pc.createDataChannel("mesh3", { ordered: true }));
    await this.#sendDescription("offer");
  }

  /**
   * Handles the peer's offer or answer (already parsed by the wire parser).
   *
   * @param type "offer" or "answer".
   * @param publicKey base64url ECDH public key.
   * @param sdp The SDP.
   */
  async handleDescription(type: "offer" | "answer", publicKey: string, sdp: string): Promise<void> {
    if (this.state.value === "refused" || this.state.value === "closed") return;
    if ((type === "offer") === this.offerer) return; // Wrong role: ignore.
    // A second answer to an offer we resent: the first one was applied already.
    if (type === "answer" && this.#pc.signalingState !== "have-local-offer") return;
    const first = this.#verified === null;
    if (first) this.state.value = "verifying";
    // Candidates of this description wait until it is verified and applied.
    this.#remoteSet = false;
    try {
      const verified = await verifyPeerDescription(this.ctx.publicClient, {
        chainId: this.ctx.chainId,
        registry: this.ctx.registry,
        roomId: this.ctx.roomId,
        peer: this.ctx.peer,
        publicKey,
        sdp,
      });
      // An ICE restart keeps the keys: a changed key mid-session is refused too.
      if (this.#verified && !sameKeys(this.#verified, verified)) {
        throw new PeerVerificationError(
          "commitment-mismatch",
          "Refused the peer's connection: its keys changed during the session",
        );
      }
      this.#verified = verified;
    } catch (e) {
      if (e instanceof PeerVerificationError) return this.#refuse("commitment-mismatch", e.message);
      return this.#fail(
        "chain-unreachable",
        "Cannot check the peer's keys: the chain is unreachable",
      );
    }
    await this.#pc.setRemoteDescription({ type, sdp });
    this.#remoteSet = true;
    this.#watchingPair ||= watchSelectedPath(this.#pc, (p) => {
      if (this.state.value === "open") this.path.value = p;
    });
    for (const c of this.#pendingIce.splice(0)) await this.#pc.addIceCandidate(c).catch(() => {});
    if (first) this.state.value = "connecting";
    if (type === "offer") await this.#sendDescription("answer");
  }

  /**
   * Handles one trickled ICE candidate from the peer (queued until its description is verified).
   *
   * @param candidate The candidate, or null at the end.
   */
  async handleIce(candidate: IceCandidate | null): Promise<void> {
    if (!candidate) return;
    if (!this.#remoteSet) {
      if (this.#pendingIce.length < 64) this.#pendingIce.push(candidate);
      return;
    }
    await this.#pc.addIceCandidate(candidate).catch(() => {});
  }

  /**
   * Encrypts and sends a chat message.
   *
   * @param id Message id (the peer acknowledges it).
   * @param text The text.
   * @returns false when the channel is not open.
   */
  async send(id: string, text: string): Promise<boolean> {
    if (!this.#channel || this.state.value !== "open") return false;
    await this.#channel.sendText(id, text);
    return true;
  }

  /** The peer's socket left the room: the link is kept while the connection lives. */
  peerLeft(): void {
    if (this.state.value !== "open") this.close("peer-left", "The peer left the room");
  }

  /**
   * Closes the link.
   *
   * @param kind Banner kind when the close is a problem.
   * @param message Banner text.
   */
  close(kind?: LinkProblem, message?: string): void {
    clearTimeout(this.#timer);
    clearTimeout(this.#iceTimer);
    clearTimeout(this.#resendTimer);
    this.#channel?.close();
    this.#pc.close();
    if (this.state.value !== "refused") this.state.value = "closed";
    if (kind && message && !this.problem.value) this.problem.value = { kind, message };
  }

  async #sendDescription(type: "offer" | "answer", iceRestart = false): Promise<void> {
    // Gathering starts at setLocalDescription: current TURN credentials first.
    const fresh = await this.ctx.freshIce?.().catch(() => null);
    if (fresh) this.#ice = applyIceConfig(this.#pc, this.#ice, fresh, this.ctx.certificate);
    const description = type === "offer"
      ? await this.#pc.createOffer({ iceRestart })
      : await this.#pc.createAnswer();
    await this.#pc.setLocalDescription(description);
    this.#signalDescription(type);
    if (type === "offer") {
      this.#resends = 0;
      this.#resendUnanswered();
    }
  }

  #signalDescription(type: "offer" | "answer"): void {
    this.ctx.signal({
      type,
      to: this.ctx.peer,
      roomId: this.ctx.roomId,
      publicKey: encodeBase64Url(this.ctx.keyPair.publicKey),
      sdp: this.#pc.localDescription!.sdp,
    });
  }

  /** Sends the same offer again while no answer came (bounded). */
  #resendUnanswered(): void {
    clearTimeout(this.#resendTimer);
    this.#resendTimer = setTimeout(() => {
      const s = this.state.value;
      if (s === "refused" || s === "closed") return;
      if (this.#pc.signalingState !== "have-local-offer") return;
      if (this.#resends++ >= MAX_OFFER_RESENDS) return;
      this.#signalDescription("offer");
      this.#resendUnanswered();
    }, OFFER_RESEND_MS);
  }

  #useDataChannel(dc: RTCDataChannel): void {
    dc.binaryType = "arraybuffer";
    // Listen at once: the peer's confirmation frame may arrive before our checks finish.
    this.#transport = dataChannelTransport(dc);
    dc.onopen = () => void this.#onOpen();
    dc.onclose = () => {
      if (this.state.value === "open" || this.state.value === "confirming") {
        this.close("peer-left", "The peer left: the connection closed");
      }
    };
  }

  async #onOpen(): Promise<void> {
    this.state.value = "confirming";
    const verified = this.#verified;
    const used = verified && await certificateInUse(this.#pc, verified.fingerprint);
    if (!verified || !used) {
      return this.#refuse(
        "certificate-mismatch",
        "Refused the connection: the peer's DTLS certificate is not the one it committed to",
      );
    }
    try {
      const { channel, safetyNumber } = await openSecureChannel({
        transport: this.#transport!,
        roomId: this.ctx.roomId,
        keyPair: this.ctx.keyPair,
        self: { address: this.ctx.self, fingerprint: this.ctx.fingerprint },
        peer: { address: this.ctx.peer, publicKey: verified.publicKey, fingerprint: used },
        onText: (id, text, sentAt) => this.ctx.onText({ from: this.ctx.peer, id, text, sentAt }),
        onDelivered: (id) => this.ctx.onDelivered(id),
        onBye: () => this.close("peer-left", "The peer left the room"),
        onError: (message) => this.#refuse("key-confirmation", message),
      });
      this.#channel = channel;
      this.safetyNumber.value = safetyNumber;
    } catch (e) {
      const why = e instanceof Error ? e.message : "unknown error";
      return this.#refuse("key-confirmation", `Key confirmation failed: ${why}`);
    }
    clearTimeout(this.#timer);
    this.state.value = "open";
    this.path.value = await selectedPath(this.#pc).catch(() => null);
  }

  #onIceState(): void {
    const s = this.#pc.iceConnectionState;
    clearTimeout(this.#iceTimer);
    if (s === "connected" || s === "completed") {
      this.reconnecting.value = false;
      void selectedPath(this.#pc).then((p) => p && (this.path.value = p), () => {});
    } else if (s === "disconnected" && this.state.value === "open") {
      // Often a blip that heals by itself; if it does not, restart ICE before "failed" (~30 s).
      this.reconnecting.value = true;
      this.#iceTimer = setTimeout(() => this.#restartIce(), ICE_GRACE_MS);
    } else if (s === "failed") {
      this.reconnecting.value = true;
      this.#restartIce();
    }
  }

  /**
   * A DTLS transport that fails after ICE found a path: the certificate presented on that path
   * is not the one in the verified description (RFC 8122 check by the browser), so someone
   * else is answering on the peer's behalf. Refuse and say so, rather than time out.
   */
  #onConnectionState(): void {
    if (this.#pc.connectionState !== "failed") return;
    if (this.state.value === "refused" || this.state.value === "closed") return;
    if (this.#pc.sctp?.transport.state !== "failed") return;
    this.#refuse(
      "certificate-mismatch",
      "Refused the connection: the DTLS certificate on the network path is not the one the " +
        "peer committed to (someone may be trying to stand in between)",
    );
  }

  /** The offerer restarts ICE with a new offer (the peer verifies it like the first). */
  #restartIce(): void {
    const s = this.#pc.iceConnectionState;
    if (s !== "disconnected" && s !== "failed") return;
    if (!this.offerer || !this.#remoteSet || this.#restarts >= MAX_ICE_RESTARTS) return;
    this.#restarts++;
    this.#pc.restartIce();
    void this.#sendDescription("offer", true).catch(() => {});
  }

  #refuse(kind: LinkProblem, message: string): void {
    this.state.value = "refused";
    this.problem.value = { kind, message };
    this.close();
  }

  #fail(kind: LinkProblem, message: string): void {
    this.problem.value = { kind, message };
    this.close();
  }
}

function sameKeys(a: VerifiedPeer, b: VerifiedPeer): boolean {
  return equalBytes(a.publicKey, b.publicKey) && equalBytes(a.fingerprint, b.fingerprint);
}
