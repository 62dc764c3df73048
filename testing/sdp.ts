/**
 * Test SDPs (not shipped): a data-channel session description carrying the fingerprint lines a
 * test asks for, as a browser would write them (`a=fingerprint:<hash> AB:CD:...`, RFC 8122).
 * Browser-safe: the browser harnesses build their SDPs with it too.
 * @module
 */
import { formatFingerprint } from "../app/core/sdp.ts";

/** One `a=fingerprint` line: its hash name and the digest bytes. */
export interface FingerprintLine {
  algorithm: string;
  digest: Uint8Array;
}

/**
 * A data-channel SDP with the given fingerprint lines (none, one, or several).
 *
 * @param fingerprints The lines, in order; a bare `Uint8Array` is one sha-256 line.
 * @returns The SDP text, CRLF line ends.
 *
 * @example
 * ```ts
 * const sdp = testSdp(new Uint8Array(32).fill(0xab));
 * sdp.includes("a=fingerprint:sha-256 AB:AB:"); // true
 * testSdp([]).includes("a=fingerprint"); // false
 * ```
 */
export function testSdp(fingerprints: Uint8Array | FingerprintLine[]): string {
  const lines = fingerprints instanceof Uint8Array
    ? [{ algorithm: "sha-256", digest: fingerprints }]
    : fingerprints;
  return [
    "v=0",
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
    "s=-",
    "t=0 0",
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
    ...lines.map((f) => `a=fingerprint:${f.algorithm} ${formatFingerprint(f.digest)}`),
    "",
  ].join("\r\n");
}

/**
 * A call's renegotiated SDP: the data channel, an audio and a video section, each section with
 * its own `a=fingerprint` line (as Chromium writes them), bundled on one transport.
 *
 * @param fingerprints The sha-256 digest of each section: data, audio, video.
 * @returns The SDP text, CRLF line ends.
 *
 * @example
 * ```ts
 * const fp = new Uint8Array(32).fill(0xab);
 * testCallSdp([fp, fp, fp]).split("a=fingerprint").length; // 4
 * ```
 */
export function testCallSdp(fingerprints: [Uint8Array, Uint8Array, Uint8Array]): string {
  const [data, audio, video] = fingerprints.map((d) =>
    `a=fingerprint:sha-256 ${formatFingerprint(d)}`
  );
  return [
    "v=0",
    "o=- 4611731400430051336 3 IN IP4 127.0.0.1",
    "s=-",
    "t=0 0",
    "a=group:BUNDLE 0 1 2",
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
    data,
    "a=mid:0",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111",
    audio,
    "a=mid:1",
    "a=sendrecv",
    "m=video 9 UDP/TLS/RTP/SAVPF 96",
    video,
    "a=mid:2",
    "a=sendrecv",
    "",
  ].join("\r\n");
}
