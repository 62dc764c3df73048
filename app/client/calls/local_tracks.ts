/**
 * This browser's side of a call: the microphone, camera and screen tracks it holds, opened through
 * local_media.ts and stopped when the call ends, and what of them is sent now. The call engine
 * (calls.ts) decides when; this file only holds and swaps the tracks.
 * @module
 */
import { type MediaDevicesIO, openLocalMedia, openScreen, openTrack } from "./local_media.ts";
import type { SentTracks } from "./peer_media.ts";
import type { CallState } from "./call_types.ts";

/**
 * The tracks of this browser in a call.
 *
 * @example
 * ```ts ignore
 * const local = new LocalTracks(navigator.mediaDevices);
 * await local.open(true);              // microphone and camera
 * local.sent({ mic: true, camera: true }); // { audio, video }
 * local.stop();
 * ```
 */
export class LocalTracks {
  #devices: MediaDevicesIO | undefined;
  #audio: MediaStreamTrack | null = null;
  #camera: MediaStreamTrack | null = null;
  #screen: MediaStreamTrack | null = null;

  constructor(devices: MediaDevicesIO | undefined) {
    this.#devices = devices;
  }

  /** The microphone track (null when none is open). */
  get audio(): MediaStreamTrack | null {
    return this.#audio;
  }

  /** The camera track (null when none is open). */
  get camera(): MediaStreamTrack | null {
    return this.#camera;
  }

  /** The shared screen (null when not sharing). */
  get screen(): MediaStreamTrack | null {
    return this.#screen;
  }

  /** Opens the microphone, and the camera for a video call. @throws {MediaAccessError} */
  async open(video: boolean): Promise<void> {
    const stream = await openLocalMedia(this.#devices, { video });
    this.#audio = stream.getAudioTracks()[0] ?? null;
    this.#camera = stream.getVideoTracks()[0] ?? null;
  }

  /** Opens the microphone unless it is open. @throws {MediaAccessError} */
  async openMic(): Promise<void> {
    this.#audio ??= await openTrack(this.#devices, "audio");
  }

  /** Opens the camera unless it is open. @throws {MediaAccessError} */
  async openCamera(): Promise<void> {
    this.#camera ??= await openTrack(this.#devices, "video");
  }

  /** Releases the camera. */
  closeCamera(): void {
    this.#camera?.stop();
    this.#camera = null;
  }

  /**
   * Asks for a screen unless one is shared; `ended` runs when the browser stops the share.
   * @throws {MediaAccessError}
   */
  async openScreen(ended: () => void): Promise<void> {
    if (this.#screen) return;
    const track = await openScreen(this.#devices);
    track.addEventListener("ended", ended);
    this.#screen = track;
  }

  /** Stops sharing the screen. */
  closeScreen(): void {
    this.#screen?.stop();
    this.#screen = null;
  }

  /** Uses another microphone or camera in place of the open one. @throws {MediaAccessError} */
  async use(kind: "audio" | "video", deviceId: string): Promise<void> {
    const track = await openTrack(this.#devices, kind, deviceId);
    if (kind === "audio") {
      this.#audio?.stop();
      this.#audio = track;
    } else {
      this.#camera?.stop();
      this.#camera = track;
    }
  }

  /** What is sent with this state of the buttons: the screen takes the camera's place. */
  sent(s: { mic: boolean; camera: boolean }): SentTracks {
    return {
      audio: s.mic ? this.#audio : null,
      video: this.#screen ?? (s.camera ? this.#camera : null),
    };
  }

  /** Lists the devices (labels appear once permission was given). */
  async devices(): Promise<CallState["devices"]> {
    const all = await this.#devices?.enumerateDevices().catch(() => []) ?? [];
    return {
      microphones: all.filter((d) => d.kind === "audioinput"),
      cameras: all.filter((d) => d.kind === "videoinput"),
      speakers: all.filter((d) => d.kind === "audiooutput"),
    };
  }

  /** Stops every track (the call is over). */
  stop(): void {
    for (const t of [this.#audio, this.#camera, this.#screen]) t?.stop();
    this.#audio = this.#camera = this.#screen = null;
  }
}

/** One stream of the tracks for a tile (null when there is none). */
export function localStream(
  video: MediaStreamTrack | null,
  audio: MediaStreamTrack | null,
): MediaStream | null {
  const tracks = [video, audio].filter((t): t is MediaStreamTrack => t !== null);
  return tracks.length ? new MediaStream(tracks) : null;
}
