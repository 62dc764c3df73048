/**
 * This browser's microphone, camera and screen for a call: asked with `getUserMedia` /
 * `getDisplayMedia` (passed in, so the engine stays testable), and every refusal turned into one
 * sentence that says what happened and what to do, never a dead button.
 * @module
 */

/** The parts of `navigator.mediaDevices` a call uses. */
export interface MediaDevicesIO {
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  getDisplayMedia?(constraints?: DisplayMediaStreamOptions): Promise<MediaStream>;
  enumerateDevices(): Promise<MediaDeviceInfo[]>;
}

/** Camera capture size: 640×360 keeps a small mesh within one laptop's means. */
export const CAMERA_CONSTRAINTS: MediaTrackConstraints = {
  width: { ideal: 640 },
  height: { ideal: 360 },
  frameRate: { ideal: 30, max: 30 },
};

/** Thrown when a device cannot be used; `message` is the sentence shown. */
export class MediaAccessError extends Error {
  override name = "MediaAccessError";
  constructor(
    readonly reason: "denied" | "missing" | "busy" | "policy" | "other",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Explains why the browser refused a device.
 *
 * @param e What `getUserMedia` or `getDisplayMedia` threw.
 * @param what "microphone", "camera", "microphone and camera" or "screen".
 * @returns The error to show.
 *
 * @example
 * ```ts
 * import { explainMediaError } from "./local_media.ts";
 * const e = explainMediaError(new DOMException("x", "NotAllowedError"), "camera");
 * e.reason; // "denied"
 * ```
 */
export function explainMediaError(e: unknown, what: string): MediaAccessError {
  const name = e instanceof Error || e instanceof DOMException ? e.name : "";
  switch (name) {
    case "NotAllowedError":
      return new MediaAccessError(
        "denied",
        what === "screen"
          ? "Cannot share the screen: sharing was cancelled or not allowed."
          : `Cannot use the ${what}: permission was denied. Allow it for this site in the ` +
            "browser (the icon left of the address bar), then try again.",
      );
    case "NotFoundError":
    case "OverconstrainedError":
      return new MediaAccessError(
        "missing",
        what === "screen"
          ? "Cannot share the screen: there is no screen or window to share."
          : `Cannot use the ${what}: no such device was found.`,
      );
    case "NotReadableError":
    case "AbortError":
      return new MediaAccessError(
        "busy",
        `Cannot use the ${what}: the device is in use by another application or failed to start.`,
      );
    case "SecurityError":
      return new MediaAccessError(
        "policy",
        `Cannot use the ${what}: this page is not allowed to (it must be served over HTTPS ` +
          "or from localhost).",
      );
    default:
      return new MediaAccessError("other", `Cannot use the ${what}: the browser refused.`);
  }
}

/**
 * Opens the microphone, and the camera when asked, as one stream.
 *
 * @param devices `navigator.mediaDevices`.
 * @param o Whether to open the camera, and device ids chosen by the user.
 * @throws {MediaAccessError} With the sentence to show.
 *
 * @example
 * ```ts ignore
 * const stream = await openLocalMedia(navigator.mediaDevices, { video: true });
 * ```
 */
export async function openLocalMedia(
  devices: MediaDevicesIO | undefined,
  o: { video: boolean; microphoneId?: string; cameraId?: string },
): Promise<MediaStream> {
  const what = o.video ? "microphone and camera" : "microphone";
  if (!devices) throw explainMediaError(new DOMException("", "SecurityError"), what);
  try {
    return await devices.getUserMedia({
      audio: o.microphoneId ? { deviceId: { exact: o.microphoneId } } : true,
      video: o.video
        ? { ...CAMERA_CONSTRAINTS, ...(o.cameraId ? { deviceId: { exact: o.cameraId } } : {}) }
        : false,
    });
  } catch (e) {
    throw explainMediaError(e, what);
  }
}

/**
 * Opens one device kind alone (a camera turned back on, another device chosen).
 *
 * @throws {MediaAccessError} With the sentence to show.
 */
export async function openTrack(
  devices: MediaDevicesIO | undefined,
  kind: "audio" | "video",
  deviceId?: string,
): Promise<MediaStreamTrack> {
  const what = kind === "audio" ? "microphone" : "camera";
  if (!devices) throw explainMediaError(new DOMException("", "SecurityError"), what);
  const id = deviceId ? { deviceId: { exact: deviceId } } : {};
  try {
    const stream = await devices.getUserMedia(
      kind === "audio"
        ? { audio: id.deviceId ? id : true }
        : { video: { ...CAMERA_CONSTRAINTS, ...id } },
    );
    return stream.getTracks()[0];
  } catch (e) {
    throw explainMediaError(e, what);
  }
}

/**
 * Asks for a screen, window or tab to share.
 *
 * @throws {MediaAccessError} When cancelled, refused or unsupported.
 */
export async function openScreen(devices: MediaDevicesIO | undefined): Promise<MediaStreamTrack> {
  if (!devices?.getDisplayMedia) {
    throw new MediaAccessError("other", "Cannot share the screen: this browser cannot.");
  }
  try {
    const stream = await devices.getDisplayMedia({ video: true, audio: false });
    return stream.getVideoTracks()[0];
  } catch (e) {
    throw explainMediaError(e, "screen");
  }
}
