/**
 * Calls in a room (issue 13): audio or video between the members, each pair of browsers on its
 * own verified link (a mesh). Media rides the link's RTCPeerConnection (link_media.ts): DTLS-SRTP
 * under the certificate both wallets committed on chain, so a call needs no new trust and no
 * second connection. Call messages go on the link's "calls" channel (call_link.ts); the media of
 * each pair is peer_media.ts. State for the UI is one {@linkcode CallState} store.
 * @module
 */
import type { Address } from "viem";
import type { AttachedLink, LinkExtension } from "../link_extension.ts";
import type { PeerLink } from "../peer_link.ts";
import { Store } from "../store.ts";
import { CallLink } from "./call_link.ts";
import { type CallMessage, newCallId } from "./call_message.ts";
import { DECLINED, endedSentence, fullSentence } from "./call_sentences.ts";
import { EarlyJoins } from "./early_joins.ts";
import { CALL_LIMITS, type CallPeer, type CallState, idleCall, newPeer } from "./call_types.ts";
import type { MediaDevicesIO } from "./local_media.ts";
import { localStream, LocalTracks } from "./local_tracks.ts";
import { PeerMedia } from "./peer_media.ts";
import { readPeerFigures } from "./call_stats.ts";

/** How often tiles' statistics (speaking, frames) are read. */
const STATS_MS = 1_000;

/** Options of {@linkcode Calls}. */
export interface CallsOptions {
  /** `navigator.mediaDevices` (undefined where the page may not use devices). */
  devices?: MediaDevicesIO;
  /** Most people per call, this browser included (default {@linkcode CALL_LIMITS}). */
  limits?: { audio: number; video: number };
}

/**
 * The call engine of one room session.
 *
 * @example
 * ```ts ignore
 * const calls = new Calls({ devices: navigator.mediaDevices });
 * const session = new RoomSession({ config, roomId, wallet, io, extensions: [calls.extension] });
 * calls.bind(() => session.links);
 * await calls.start({ video: true });
 * ```
 */
export class Calls {
  readonly state = new Store<CallState>(idleCall());
  /** Add to the room session's extensions. */
  readonly extension: LinkExtension = { label: "calls", attach: (l) => this.#attach(l) };

  #local: LocalTracks;
  #limits: { audio: number; video: number };
  #links: () => readonly PeerLink[] = () => [];
  #channels = new Map<string, CallLink>();
  #media = new Map<string, PeerMedia>();
  #unwatch = new Map<string, () => void>();
  #timer: ReturnType<typeof setInterval> | undefined;
  /** Joins that came before their call's ring (over another peer's link). */
  #early = new EarlyJoins();

  constructor(o: CallsOptions = {}) {
    this.#local = new LocalTracks(o.devices);
    this.#limits = o.limits ?? CALL_LIMITS;
  }

  /** Where the session's links are (the call finds each peer's verified link there). */
  bind(links: () => readonly PeerLink[]): void {
    this.#links = links;
  }

  /** Starts a call and rings everyone connected. @throws {MediaAccessError} */
  async start(o: { video: boolean }): Promise<void> {
    if (this.state.value.phase !== "idle") throw new Error("Cannot start a call: one is on");
    const ringing = [...this.#channels.values()].filter((c) => c.open);
    if (ringing.length === 0) {
      return this.#set({ problem: "Cannot start a call: no one is connected yet." });
    }
    await this.#openMedia(o.video);
    const call = newCallId();
    this.#set({
      ...this.#callFields(call, o.video),
      peers: ringing.map((c) => newPeer(c.peer, "ringing")),
    });
    for (const c of ringing) {
      void c.send({ type: "ring", call, video: o.video });
      void this.#media.get(lower(c.peer))?.prepare().catch(() => {});
    }
    this.#watchStats();
  }

  /** Accepts the incoming call. @throws {MediaAccessError} */
  async accept(): Promise<void> {
    const s = this.state.value;
    if (s.phase !== "incoming" || !s.call) return;
    const joined = s.peers.filter((p) => p.status === "joined").length;
    const limit = s.video ? this.#limits.video : this.#limits.audio;
    if (joined + 1 > limit) {
      void this.#channels.get(lower(s.from!))?.send({
        type: "decline",
        call: s.call,
        reason: "full",
      });
      return this.#end(fullSentence(s.video, this.#limits));
    }
    // Join at once and open the devices meanwhile: the peers' media needs none of ours, and ours
    // follows on the negotiated transceivers (replaceTrack, no renegotiation) once they are open.
    const call = s.call;
    const opening = this.#openMedia(s.video);
    this.#set({ ...this.#callFields(call, s.video), peers: this.state.value.peers });
    for (const c of this.#channels.values()) void c.send({ type: "join", call, video: s.video });
    for (const p of this.state.value.peers) {
      if (p.status === "joined") void this.#activate(p.address);
    }
    this.#watchStats();
    try {
      await opening;
    } catch (e) {
      // Joined without a device: leave again, and say why (the sentence is the state's problem).
      if (this.state.value.call === call) {
        for (const c of this.#channels.values()) void c.send({ type: "leave", call });
        this.#end(this.state.value.problem);
      }
      throw e;
    }
    if (this.state.value.call !== call) return this.#local.stop();
    this.#set({ mic: !!this.#local.audio, camera: !!this.#local.camera });
    await this.#sendTracks();
  }

  /** Declines the incoming call. */
  decline(): void {
    const s = this.state.value;
    if (s.phase !== "incoming" || !s.call) return;
    void this.#channels.get(lower(s.from!))?.send({
      type: "decline",
      call: s.call,
      reason: "declined",
    });
    this.#end(null);
  }

  /** Leaves the call. */
  hangUp(): void {
    const s = this.state.value;
    if (s.phase !== "in-call" || !s.call) return;
    for (const c of this.#channels.values()) void c.send({ type: "leave", call: s.call });
    this.#end(null);
  }

  /** Mutes or unmutes the microphone (muted: nothing is sent). */
  async setMic(on: boolean): Promise<void> {
    if (on) await this.#guard(this.#local.openMic());
    this.#set({ mic: on && !!this.#local.audio });
    await this.#sendTracks();
  }

  /** Turns the camera on or off (off: the camera is released, nothing is sent). */
  async setCamera(on: boolean): Promise<void> {
    if (on) await this.#guard(this.#local.openCamera());
    else this.#local.closeCamera();
    this.#set({ camera: on && !!this.#local.camera });
    await this.#sendTracks();
  }

  /** Shares a screen in place of the camera, or stops sharing. */
  async shareScreen(on: boolean): Promise<void> {
    if (on) await this.#guard(this.#local.openScreen(() => void this.shareScreen(false)));
    else this.#local.closeScreen();
    this.#set({ screen: !!this.#local.screen });
    await this.#sendTracks();
  }

  /** Uses another microphone or camera from `state.devices`. */
  async useDevice(kind: "audio" | "video", deviceId: string): Promise<void> {
    await this.#guard(this.#local.use(kind, deviceId));
    if (kind === "video") this.#set({ camera: true });
    await this.#sendTracks();
  }

  /** Ends everything (the session is over). */
  dispose(): void {
    if (this.state.value.phase === "in-call") this.hangUp();
    for (const c of this.#channels.values()) c.close();
    for (const m of this.#media.values()) m.dispose();
    this.#end(null);
  }

  /** Lists devices (labels appear once permission was given). */
  async refreshDevices(): Promise<void> {
    this.#set({ devices: await this.#local.devices() });
  }

  #attach(attached: AttachedLink): void {
    const key = lower(attached.peer);
    this.#channels.get(key)?.close();
    this.#channels.set(
      key,
      new CallLink(attached, {
        message: (from, m) => this.#onMessage(from, m),
        // A channel closed without a problem: the link's own status says why (below).
        closed: (from, problem) => problem && this.#peerGone(from, problem),
      }),
    );
    const link = this.#links().find((l) => lower(l.peer) === key);
    if (!link) return;
    this.#media.get(key)?.dispose();
    this.#media.set(
      key,
      new PeerMedia(link.media, link.offerer, () => this.#wanted(key), () => this.#sent()),
    );
    // The answering side's transceivers come with the peer's offer: show its stream at once.
    link.media.onTrack(() =>
      this.#patchPeer(attached.peer, { stream: this.#media.get(key)?.stream ?? null })
    );
    this.#unwatch.get(key)?.();
    this.#unwatch.set(
      key,
      link.status.subscribe((st) => {
        if (link.ended) {
          this.#peerGone(attached.peer, st.problem?.message ?? "the connection closed");
        } else this.#patchPeer(attached.peer, { path: st.path, verified: st.state === "open" });
      }),
    );
  }

  #onMessage(from: Address, m: CallMessage): void {
    const s = this.state.value;
    const same = s.call === m.call;
    switch (m.type) {
      case "ring":
        if (s.phase === "idle") {
          this.#set({
            ...idleCall(null, s.devices),
            phase: "incoming",
            call: m.call,
            video: m.video,
            from,
            peers: [newPeer(from, "joined")],
          });
          for (const peer of this.#early.take(m.call)) this.#joined(peer);
        } else if (!same) {
          void this.#channels.get(lower(from))?.send({
            type: "decline",
            call: m.call,
            reason: "busy",
          });
        } else this.#joined(from);
        return;
      case "join":
        // A join may outrun its call's ring (another link): kept until the ring comes.
        if (same) this.#joined(from);
        else this.#early.join(m.call, from);
        return;
      case "decline":
        if (!same) return this.#early.drop(m.call, from);
        this.#patchPeer(from, { status: "declined", note: DECLINED[m.reason] });
        return this.#endIfAlone();
      case "leave":
        if (!same) return this.#early.drop(m.call, from);
        this.#patchPeer(from, { status: "left", stream: null });
        void this.#media.get(lower(from))?.deactivate();
        return this.#endIfAlone();
      case "state":
        if (same) this.#patchPeer(from, { mic: m.mic, camera: m.camera, screen: m.screen });
        return;
    }
  }

  #joined(from: Address): void {
    const s = this.state.value;
    if (!s.peers.some((p) => lower(p.address) === lower(from))) {
      this.#set({ peers: [...s.peers, newPeer(from, "joined")] });
    }
    this.#patchPeer(from, { status: "joined", note: null });
    if (s.phase === "in-call") void this.#activate(from);
  }

  async #activate(peer: Address): Promise<void> {
    const media = this.#media.get(lower(peer));
    if (!media) return;
    await media.activate();
    this.#patchPeer(peer, { stream: media.stream });
    this.#sendState(peer);
    const joined = this.state.value.peers.filter((p) => p.status === "joined").length;
    for (const m of this.#media.values()) void m.adapt(joined);
  }

  #peerGone(peer: Address, problem: string | null): void {
    const key = lower(peer);
    const s = this.state.value;
    if (
      s.phase === "idle" || !s.peers.some((p) => lower(p.address) === key && p.status !== "left")
    ) return;
    this.#patchPeer(peer, { status: "left", stream: null, note: problem });
    this.#endIfAlone(problem ? `Call ended: ${problem}` : null);
  }

  #endIfAlone(problem: string | null = null): void {
    const s = this.state.value;
    if (s.phase === "incoming" && !s.peers.some((p) => p.status === "joined")) {
      return this.#end(problem);
    }
    if (s.phase !== "in-call") return;
    if (s.peers.some((p) => p.status === "joined" || p.status === "ringing")) return;
    this.#end(problem ?? endedSentence(s.peers));
  }

  #end(problem: string | null): void {
    clearInterval(this.#timer);
    for (const m of this.#media.values()) void m.deactivate();
    this.#local.stop();
    this.#set(idleCall(problem, this.state.value.devices));
  }

  #wanted(key: string): boolean {
    const s = this.state.value;
    return s.phase === "in-call" &&
      s.peers.some((p) =>
        lower(p.address) === key && (p.status === "joined" || p.status === "ringing")
      );
  }

  #sent() {
    return this.#local.sent(this.state.value);
  }

  async #sendTracks(): Promise<void> {
    const tracks = this.#sent();
    this.#set({ local: localStream(tracks.video, this.#local.audio) });
    for (const [key, m] of this.#media) if (this.#wanted(key)) await m.send(tracks);
    for (const p of this.state.value.peers) if (p.status === "joined") this.#sendState(p.address);
  }

  #sendState(peer: Address): void {
    const { call, mic, camera, screen } = this.state.value;
    if (!call) return;
    void this.#channels.get(lower(peer))?.send({ type: "state", call, mic, camera, screen });
  }

  async #openMedia(video: boolean): Promise<void> {
    await this.#guard(this.#local.open(video));
    void this.refreshDevices();
  }

  #callFields(call: string, video: boolean): Partial<CallState> {
    return {
      phase: "in-call",
      call,
      video,
      from: null,
      mic: !!this.#local.audio,
      camera: !!this.#local.camera,
      screen: false,
      local: localStream(this.#local.camera, this.#local.audio),
      problem: null,
    };
  }

  /** A device refusal becomes the state's problem (shown), and is thrown on. */
  async #guard<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (e) {
      this.#set({ problem: e instanceof Error ? e.message : String(e) });
      throw e;
    }
  }

  #watchStats(): void {
    clearInterval(this.#timer);
    this.#timer = setInterval(async () => {
      for (const p of this.state.value.peers) {
        const m = this.#media.get(lower(p.address));
        if (p.status !== "joined" || !m) continue;
        const link = this.#links().find((l) => lower(l.peer) === lower(p.address));
        this.#patchPeer(p.address, await readPeerFigures(p, m, link));
      }
    }, STATS_MS);
  }

  #patchPeer(peer: Address, patch: Partial<CallPeer>): void {
    const key = lower(peer);
    this.state.update((s) => ({
      ...s,
      peers: s.peers.map((p) => lower(p.address) === key ? { ...p, ...patch } : p),
    }));
  }

  #set(patch: Partial<CallState>): void {
    this.state.update((s) => ({ ...s, ...patch }));
  }
}

function lower(a: Address): string {
  return a.toLowerCase();
}
