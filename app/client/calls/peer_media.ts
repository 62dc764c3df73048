/**
 * The media of a call with one peer, on that peer's verified link (link_media.ts): one audio and
 * one video transceiver, made by the link's offerer the first time a call needs them and reused
 * by later calls. The offerer turns them on (`sendrecv`) or off (`inactive`) and renegotiates;
 * the answerer says what it sends in its answer to each verified offer. Mute, camera off, device
 * changes and screen sharing only swap the sent track (`replaceTrack`): no renegotiation.
 * @module
 */
import type { LinkMedia } from "../link_media.ts";

/** The tracks this browser sends in a call (null: nothing on that transceiver). */
export interface SentTracks {
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
}

/** Video bitrate cap by number of peers in the call: the mesh shares one uplink. */
export function videoBitrateFor(peers: number): number {
  return peers <= 1 ? 1_200_000 : peers <= 3 ? 600_000 : 300_000;
}

/**
 * One peer's call media.
 *
 * @example
 * ```ts ignore
 * const media = new PeerMedia(link.media, link.offerer, () => inCallWith(peer), () => tracks);
 * await media.activate();   // both in the call
 * await media.send(tracks); // mute, camera off, screen share
 * await media.deactivate(); // one left
 * ```
 */
export class PeerMedia {
  #media: LinkMedia;
  #offerer: boolean;
  #wanted: () => boolean;
  #tracks: () => SentTracks;
  #stream: MediaStream | null = null;
  #unhook: () => void;
  #peers = 1;

  /**
   * @param media The link's media.
   * @param offerer True on the link's offering side.
   * @param wanted Whether media with this peer should flow now (both in the call).
   * @param tracks What this browser sends now.
   */
  constructor(
    media: LinkMedia,
    offerer: boolean,
    wanted: () => boolean,
    tracks: () => SentTracks,
  ) {
    this.#media = media;
    this.#offerer = offerer;
    this.#wanted = wanted;
    this.#tracks = tracks;
    this.#unhook = media.onRemoteOffer(() => this.#answering());
  }

  /** The peer's audio and video as one stream (null before any call made transceivers). */
  get stream(): MediaStream | null {
    const { audio, video } = this.#pair();
    if (!audio || !video) return null;
    this.#stream ??= new MediaStream([audio.receiver.track, video.receiver.track]);
    return this.#stream;
  }

  /**
   * Offerer, while the peer's phone rings: the transceivers are made and this browser's tracks put
   * on them ahead, still `inactive` and not negotiated (nothing is sent), so that the peer's join
   * costs one renegotiation and nothing else.
   */
  async prepare(): Promise<void> {
    if (!this.#offerer) return;
    const { audio, video } = this.#pair();
    if (!audio) this.#media.addTransceiver("audio", { direction: "inactive" });
    if (!video) this.#media.addTransceiver("video", { direction: "inactive" });
    await this.send(this.#tracks());
  }

  /** Media with the peer starts (offerer: transceivers on, then a verified renegotiation). */
  async activate(): Promise<void> {
    if (!this.#offerer) return void await this.send(this.#tracks());
    let { audio, video } = this.#pair();
    audio ??= this.#media.addTransceiver("audio", { direction: "sendrecv" });
    video ??= this.#media.addTransceiver("video", { direction: "sendrecv" });
    audio.direction = "sendrecv";
    video.direction = "sendrecv";
    await this.send(this.#tracks());
    await this.#media.renegotiate();
    await this.#caps();
  }

  /** Media with the peer stops (offerer: transceivers off, renegotiated). */
  async deactivate(): Promise<void> {
    const { audio, video } = this.#pair();
    for (const t of [audio, video]) {
      if (!t || t.currentDirection === "stopped") continue;
      await t.sender.replaceTrack(null).catch(() => {});
      if (this.#offerer) t.direction = "inactive";
    }
    if (this.#offerer && (audio || video)) await this.#media.renegotiate();
  }

  /** Sends these tracks (mute: null audio; camera off: null video; screen: the screen track). */
  async send(tracks: SentTracks): Promise<void> {
    const { audio, video } = this.#pair();
    await swap(audio?.sender, tracks.audio);
    await swap(video?.sender, tracks.video);
  }

  /**
   * Caps the video bitrate for a call with this many peers; audio gets high priority.
   *
   * @param peers Peers in the call (not counting this browser).
   */
  async adapt(peers: number): Promise<void> {
    this.#peers = peers;
    await this.#caps();
  }

  /** The link's statistics. */
  stats(): Promise<RTCStatsReport> {
    return this.#media.stats();
  }

  /** Stops listening to the link. */
  dispose(): void {
    this.#unhook();
  }

  /** Answerer: a verified offer is applied; say in the answer what we send. */
  async #answering(): Promise<void> {
    const { audio, video } = this.#pair();
    const on = this.#wanted();
    const tracks = on ? this.#tracks() : { audio: null, video: null };
    for (const t of [audio, video]) if (t) t.direction = on ? "sendrecv" : "inactive";
    await this.send(tracks);
    if (on) void this.#caps();
  }

  async #caps(): Promise<void> {
    const { audio, video } = this.#pair();
    await setEncoding(audio?.sender, { priority: "high", networkPriority: "high" });
    await setEncoding(video?.sender, {
      maxBitrate: videoBitrateFor(this.#peers),
      priority: "low",
      networkPriority: "low",
    });
  }

  /** The first audio and the first video transceiver: the same ones on both sides. */
  #pair(): { audio?: RTCRtpTransceiver; video?: RTCRtpTransceiver } {
    const live = this.#media.transceivers().filter((t) => t.currentDirection !== "stopped");
    return {
      audio: live.find((t) => t.receiver.track.kind === "audio"),
      video: live.find((t) => t.receiver.track.kind === "video"),
    };
  }
}

/**
 * Sends `track` on `sender` unless it is sent already: every replaceTrack waits its turn on the
 * connection's operations chain, so one that changes nothing would hold up the next offer.
 */
async function swap(sender: RTCRtpSender | undefined, track: MediaStreamTrack | null) {
  if (sender && sender.track !== track) await sender.replaceTrack(track).catch(() => {});
}

/** Sets the first encoding's parameters where the browser takes them (best effort). */
async function setEncoding(
  sender: RTCRtpSender | undefined,
  patch: Record<string, unknown>,
): Promise<void> {
  if (!sender) return;
  try {
    const params = sender.getParameters();
    if (!params.encodings?.length) return;
    params.encodings[0] = { ...params.encodings[0], ...patch };
    await sender.setParameters(params);
  } catch {
    // A browser without one of the fields keeps its defaults: media still flows.
  }
}
