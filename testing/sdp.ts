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
