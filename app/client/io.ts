/**
 * The engine's edges: everything it needs from the world, passed in. In a browser
 * {@linkcode browserIO} gives the real ones; Deno tests give a real server's fetch and socket with
 * a cookie jar, and an in-memory WebRTC (testing/fake_rtc.ts).
 * @module
 */

/** WebRTC as the engine uses it. */
export interface RtcIO {
  /** A fresh DTLS certificate (ECDSA P-256) for one room session; its fingerprint is committed. */
  generateCertificate(): Promise<RTCCertificate>;
  /** A peer connection with the given configuration. */
  createPeerConnection(config: RTCConfiguration): RTCPeerConnection;
}

/** Everything the engine takes from its surroundings. */
export interface EngineIO {
  rtc: RtcIO;
  /** `fetch` for the app's own API (`/api/...`, resolved against `origin`), with its cookies. */
  fetch: typeof fetch;
  /** Opens the signaling WebSocket at a URL. */
  openSocket(url: string): WebSocket;
  /** The app's origin, e.g. `https://chat.example` (sign-in messages and the socket URL). */
  origin: string;
}

/**
 * The real edges in a browser page.
 *
 * @example
 * ```ts ignore
 * const session = new RoomSession({ config, roomId, wallet, io: browserIO() });
 * ```
 */
export function browserIO(): EngineIO {
  return {
    rtc: {
      generateCertificate: () =>
        RTCPeerConnection.generateCertificate({
          name: "ECDSA",
          namedCurve: "P-256",
        } as EcKeyGenParams),
      createPeerConnection: (config) => new RTCPeerConnection(config),
    },
    fetch: (input, init) => globalThis.fetch(input, { credentials: "same-origin", ...init }),
    openSocket: (url) => new WebSocket(url),
    origin: globalThis.location.origin,
  };
}

/**
 * The signaling socket's URL for an origin: `ws(s)://host/ws`.
 *
 * @example
 * ```ts
 * import { signalingUrl } from "./io.ts";
 * signalingUrl("https://chat.example"); // "wss://chat.example/ws"
 * ```
 */
export function signalingUrl(origin: string): string {
  const url = new URL(origin);
  return `${url.protocol === "https:" ? "wss" : "ws"}://${url.host}/ws`;
}
