/**
 * An in-memory WebRTC for Deno tests of the browser engine (app/client), which takes its
 * `RtcIO` in: peer connections that find each other through the candidates they trickle, check
 * DTLS as browsers do (each side's remote SDP fingerprint must be the certificate of the
 * connection it actually reached, else the DTLS transport fails after ICE succeeded), and carry
 * DataChannel messages between them. Deno has no WebRTC; the engine's real-browser behaviour is
 * covered by the browser tests, this covers its logic at Deno speed.
 *
 * Only what the engine uses is implemented (see app/client/peer_link.ts, rtc_stats.ts,
 * certificate_in_use.ts and the file channel, app/client/files/file_link.ts): several channels per
 * connection, a send queue drained at a bounded rate per tick (`bufferedAmount`,
 * `bufferedAmountLowThreshold`, `bufferedamountlow`), `sctp.maxMessageSize` (larger sends throw
 * as in browsers), and a path that can be cut (`cut()`).
 *
 * @example
 * ```ts ignore
 * const net = new FakeNetwork();
 * const io = { ...otherEdges, rtc: net.rtc() };
 * ```
 * @module
 */
import { formatFingerprint } from "../app/core/sdp.ts";
import { fingerprintFromSdp } from "../app/core/sdp.ts";
import type { RtcIO } from "../app/client/io.ts";

/** One simulated network: every peer connection made by its `rtc()` edges can reach the others. */
export class FakeNetwork {
  readonly #byPort = new Map<number, FakePeerConnection>();
  /** `sctp.maxMessageSize` of every connection (Chromium's: 256 KiB). */
  maxMessageSize = 256 * 1024;
  /** Bytes a channel delivers per timer tick: its send queue grows when sent to faster. */
  bytesPerTick = 1024 * 1024;
  /**
   * How long `addIceCandidate`'s promise takes to settle after the candidate is applied (ms): a
   * busy browser's operations chain can settle it after the connection it made has opened.
   */
  addIceSettleMs = 0;
  /** How long each DataChannel message takes to arrive (ms; messages keep their order). */
  messageDelayMs = 0;
  #nextPort = 40000;
  /** Peer connections made so far, in order. */
  readonly connections: FakePeerConnection[] = [];

  /** The `RtcIO` edge of one browser on this network. */
  rtc(): RtcIO {
    return {
      generateCertificate: () => Promise.resolve(fakeCertificate()),
      createPeerConnection: (config) => {
        const pc = new FakePeerConnection(this, config, this.#nextPort++);
        this.#byPort.set(pc.port, pc);
        this.connections.push(pc);
        return pc as unknown as RTCPeerConnection;
      },
    };
  }

  /** The connection listening on a port (a host candidate's address). */
  reach(port: number): FakePeerConnection | undefined {
    return this.#byPort.get(port);
  }
}

/** A certificate with a random SHA-256 fingerprint, in the form browsers give it. */
export function fakeCertificate(): RTCCertificate {
  const fingerprint = formatFingerprint(crypto.getRandomValues(new Uint8Array(32))).toLowerCase();
  return {
    expires: Date.now() + 86_400_000,
    getFingerprints: () => [{ algorithm: "sha-256", value: fingerprint }],
  } as unknown as RTCCertificate;
}

type Handler<E> = ((event: E) => void) | null;

/** The subset of `RTCPeerConnection` the engine uses. */
export class FakePeerConnection {
  onicecandidate: Handler<{ candidate: RTCIceCandidateInit | null }> = null;
  oniceconnectionstatechange: Handler<Event> = null;
  onconnectionstatechange: Handler<Event> = null;
  ondatachannel: Handler<{ channel: FakeDataChannel }> = null;
  iceConnectionState: RTCIceConnectionState = "new";
  connectionState: RTCPeerConnectionState = "new";
  signalingState: RTCSignalingState = "stable";
  localDescription: RTCSessionDescriptionInit | null = null;
  remoteDescription: RTCSessionDescriptionInit | null = null;
  readonly sctp: { transport: { state: RTCDtlsTransportState }; maxMessageSize: number };
  /** The connection this one reached (after ICE), if any. */
  remote: FakePeerConnection | null = null;

  readonly fingerprint: string;
  #ufrag = randomId();
  /** The channels this side created or received, in order. */
  readonly channels: FakeDataChannel[] = [];
  #remoteFingerprint: Uint8Array | null = null;
  #remotePort: number | null = null;
  #closed = false;

  constructor(readonly net: FakeNetwork, config: RTCConfiguration, readonly port: number) {
    const cert = config.certificates?.[0];
    const fp = cert?.getFingerprints().find((f) => f.algorithm === "sha-256")?.value;
    if (!fp) throw new TypeError("Cannot make a peer connection: no certificate given");
    this.fingerprint = fp;
    this.sctp = { transport: { state: "new" }, maxMessageSize: net.maxMessageSize };
  }

  /** No media in the fake (calls are tested in real browsers). */
  getTransceivers(): RTCRtpTransceiver[] {
    return [];
  }

  createDataChannel(label: string): FakeDataChannel {
    const channel = new FakeDataChannel(label, this.net);
    this.channels.push(channel);
    return channel;
  }

  /** The network path dies: every channel closes at both ends, as when SCTP gives up. */
  cut(): void {
    for (const c of this.channels) c.close(true);
  }

  createOffer(o: { iceRestart?: boolean } = {}): Promise<RTCSessionDescriptionInit> {
    if (o.iceRestart) this.#ufrag = randomId();
    return Promise.resolve({ type: "offer", sdp: this.#sdp() });
  }

  createAnswer(): Promise<RTCSessionDescriptionInit> {
    return Promise.resolve({ type: "answer", sdp: this.#sdp() });
  }

  setLocalDescription(d: RTCSessionDescriptionInit): Promise<void> {
    this.localDescription = d;
    this.signalingState = d.type === "offer" ? "have-local-offer" : "stable";
    // Trickle one host candidate, then the end of candidates.
    setTimeout(() => {
      if (this.#closed) return;
      this.onicecandidate?.({
        candidate: {
          candidate: `candidate:1 1 udp 2122260223 127.0.0.1 ${this.port} typ host`,
          sdpMid: "0",
          sdpMLineIndex: 0,
          usernameFragment: this.#ufrag,
        },
      });
      this.onicecandidate?.({ candidate: null });
    }, 0);
    return Promise.resolve();
  }

  setRemoteDescription(d: RTCSessionDescriptionInit): Promise<void> {
    this.remoteDescription = d;
    this.#remoteFingerprint = fingerprintFromSdp(d.sdp ?? "");
    this.signalingState = d.type === "offer" ? "have-remote-offer" : "stable";
    this.#tryConnect();
    return Promise.resolve();
  }

  addIceCandidate(c: RTCIceCandidateInit): Promise<void> {
    const port = Number(/ (\d+) typ /.exec(c.candidate ?? "")?.[1]);
    if (Number.isInteger(port)) this.#remotePort = port;
    this.#tryConnect();
    const ms = this.net.addIceSettleMs;
    return ms ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
  }

  setConfiguration(_config: RTCConfiguration): void {
    // ICE servers do not matter in memory: every connection reaches the others directly.
  }

  restartIce(): void {
    this.#ufrag = randomId();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.signalingState = "closed";
    this.iceConnectionState = "closed";
    this.connectionState = "closed";
    for (const c of this.channels) c.close(true);
  }

  /** Stats as browsers report them: the selected pair and the remote certificate in use. */
  getStats(): Promise<Map<string, Record<string, unknown>>> {
    const stats = new Map<string, Record<string, unknown>>();
    if (this.remote && this.connectionState === "connected") {
      stats.set("T", {
        id: "T",
        type: "transport",
        selectedCandidatePairId: "CP",
        remoteCertificateId: "RC",
      });
      stats.set("CP", {
        id: "CP",
        type: "candidate-pair",
        localCandidateId: "L",
        remoteCandidateId: "R",
        nominated: true,
        state: "succeeded",
      });
      stats.set("L", { id: "L", type: "local-candidate", candidateType: "host" });
      stats.set("R", { id: "R", type: "remote-candidate", candidateType: "host" });
      stats.set("RC", {
        id: "RC",
        type: "certificate",
        fingerprint: this.remote.fingerprint,
        fingerprintAlgorithm: "sha-256",
      });
    }
    return Promise.resolve(stats);
  }

  /** Connects once both sides have a remote description and a candidate of the other. */
  #tryConnect(): void {
    if (this.#closed || this.remote || this.#remotePort === null || !this.#remoteFingerprint) {
      return;
    }
    const other = this.net.reach(this.#remotePort);
    if (!other || other.#closed || !other.#remoteFingerprint || other.#remotePort !== this.port) {
      return;
    }
    this.remote = other;
    other.remote = this;
    // DTLS (RFC 8122): each side accepts only the certificate its remote SDP announced.
    const ok = sameFingerprint(this.#remoteFingerprint, other.fingerprint) &&
      sameFingerprint(other.#remoteFingerprint, this.fingerprint);
    setTimeout(() => {
      for (const pc of [this, other]) pc.#setIce("connected");
      for (const pc of [this, other]) pc.#setDtls(ok ? "connected" : "failed");
      if (ok) this.#openChannels(other);
    }, 0);
  }

  #openChannels(other: FakePeerConnection): void {
    const [offerer, answerer] = this.channels.length ? [this, other] : [other, this];
    for (const mine of offerer.channels) {
      const theirs = new FakeDataChannel(mine.label, this.net);
      answerer.channels.push(theirs);
      mine.pair(theirs);
      answerer.ondatachannel?.({ channel: theirs });
      setTimeout(() => {
        mine.open();
        theirs.open();
      }, 0);
    }
  }

  #setIce(state: RTCIceConnectionState): void {
    if (this.#closed) return;
    this.iceConnectionState = state;
    this.oniceconnectionstatechange?.(new Event("iceconnectionstatechange"));
  }

  #setDtls(state: "connected" | "failed"): void {
    if (this.#closed) return;
    this.sctp.transport.state = state;
    this.connectionState = state;
    this.onconnectionstatechange?.(new Event("connectionstatechange"));
  }

  #sdp(): string {
    return [
      "v=0",
      `o=- ${this.port} 2 IN IP4 127.0.0.1`,
      "s=-",
      "t=0 0",
      "a=group:BUNDLE 0",
      "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
      "c=IN IP4 0.0.0.0",
      `a=ice-ufrag:${this.#ufrag}`,
      `a=ice-pwd:${randomId()}${randomId()}`,
      `a=fingerprint:sha-256 ${this.fingerprint.toUpperCase()}`,
      "a=setup:actpass",
      "a=mid:0",
      "a=sctp-port:5000",
      "",
    ].join("\r\n");
  }
}

/**
 * The subset of `RTCDataChannel` the engine uses: binary messages in order, open and close, and
 * a send queue: `bufferedAmount` grows with every send and shrinks as the network delivers at most
 * `bytesPerTick` per timer tick; `bufferedamountlow` fires when it falls to the threshold.
 */
export class FakeDataChannel extends EventTarget {
  binaryType: BinaryType = "arraybuffer";
  readyState: RTCDataChannelState = "connecting";
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  /** The largest `bufferedAmount` seen (tests of backpressure). */
  peakBufferedAmount = 0;
  onopen: Handler<Event> = null;
  onclose: Handler<Event> = null;
  #peer: FakeDataChannel | null = null;
  #queue: ArrayBuffer[] = [];
  #draining = false;

  constructor(readonly label: string, readonly net?: FakeNetwork) {
    super();
  }

  /** Joins two channel ends. */
  pair(other: FakeDataChannel): void {
    this.#peer = other;
    other.#peer = this;
  }

  /** Opens this end (both ends are opened by the connection). */
  open(): void {
    if (this.readyState !== "connecting") return;
    this.readyState = "open";
    this.onopen?.(new Event("open"));
    this.dispatchEvent(new Event("open"));
  }

  send(data: ArrayBufferView | ArrayBuffer | string): void {
    if (this.readyState !== "open") throw new DOMException("not open", "InvalidStateError");
    const bytes = typeof data === "string"
      ? new TextEncoder().encode(data)
      : data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (bytes.length > (this.net?.maxMessageSize ?? Infinity)) {
      throw new TypeError("Cannot send: larger than the connection's maxMessageSize");
    }
    this.#queue.push(bytes.slice().buffer);
    this.bufferedAmount += bytes.length;
    this.peakBufferedAmount = Math.max(this.peakBufferedAmount, this.bufferedAmount);
    if (!this.#draining) {
      this.#draining = true;
      setTimeout(() => this.#drain(), 0);
    }
  }

  #drain(): void {
    let budget = this.net?.bytesPerTick ?? Infinity;
    const peer = this.#peer;
    while (this.#queue.length > 0 && budget > 0 && this.readyState !== "closed") {
      const data = this.#queue.shift()!;
      budget -= data.byteLength;
      const before = this.bufferedAmount;
      this.bufferedAmount -= data.byteLength;
      const deliver = () => {
        if (peer?.readyState === "open") peer.dispatchEvent(new MessageEvent("message", { data }));
      };
      const delay = this.net?.messageDelayMs ?? 0;
      if (delay) setTimeout(deliver, delay);
      else deliver();
      if (before > this.bufferedAmountLowThreshold) {
        if (this.bufferedAmount <= this.bufferedAmountLowThreshold) {
          this.dispatchEvent(new Event("bufferedamountlow"));
        }
      }
    }
    if (this.#queue.length > 0 && this.readyState !== "closed") {
      setTimeout(() => this.#drain(), 0);
    } else {
      this.#draining = false;
      if (this.readyState === "closing") this.#closed();
    }
  }

  /**
   * Closes this end: what is queued is still delivered first (as browsers do), unless `drop`
   * (the path died).
   */
  close(drop = false): void {
    if (this.readyState === "closed") return;
    if (drop || this.#queue.length === 0) return this.#closed();
    this.readyState = "closing";
  }

  #closed(): void {
    if (this.readyState === "closed") return;
    this.readyState = "closed";
    this.#queue = [];
    this.bufferedAmount = 0;
    this.onclose?.(new Event("close"));
    this.dispatchEvent(new Event("close"));
    const peer = this.#peer;
    if (peer && peer.readyState !== "closed") setTimeout(() => peer.close(), 0);
  }
}

function sameFingerprint(expected: Uint8Array, actual: string): boolean {
  return formatFingerprint(expected).toLowerCase() === actual.toLowerCase();
}

function randomId(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 16);
}
