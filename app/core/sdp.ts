/**
 * DTLS fingerprints in SDP (RFC 8122 section 5): `a=fingerprint:sha-256 AB:CD:...`.
 *
 * The handshake commits to the SHA-256 fingerprint of the peer's DTLS certificate. An SDP may
 * carry the attribute at session level and in every media section; all of them must be SHA-256
 * and equal, or the SDP is refused (a second certificate could otherwise slip in).
 * @module
 */

import { bytesToHex, hexToBytes } from "./bytes.ts";

/** Thrown when an SDP's fingerprints cannot be used for the handshake. */
export class SdpFingerprintError extends Error {
  override name = "SdpFingerprintError";
}

const FINGERPRINT_LINE = /^a=fingerprint:(\S+) (\S+)\s*$/i;

/**
 * Extracts the single SHA-256 certificate fingerprint that an SDP uses.
 *
 * @param sdp The session description text.
 * @returns The 32-byte fingerprint.
 * @throws {SdpFingerprintError} If there is none, one uses another hash, or they differ.
 *
 * @example
 * ```ts
 * const hex = Array(32).fill("AB").join(":");
 * const fp = fingerprintFromSdp(`v=0\r\na=fingerprint:sha-256 ${hex}\r\n`); // Uint8Array(32)
 * ```
 */
export function fingerprintFromSdp(sdp: string): Uint8Array {
  let found: string | undefined;
  for (const line of sdp.split(/\r?\n/)) {
    if (!/^a=fingerprint:/i.test(line)) continue;
    const m = FINGERPRINT_LINE.exec(line);
    if (!m) throw new SdpFingerprintError("Cannot read SDP fingerprint: malformed attribute");
    if (m[1].toLowerCase() !== "sha-256") {
      throw new SdpFingerprintError(
        `Cannot use SDP fingerprint: hash must be sha-256, got ${m[1].slice(0, 16)}`,
      );
    }
    const value = m[2].toLowerCase();
    if (found !== undefined && found !== value) {
      throw new SdpFingerprintError("Cannot use SDP: it carries more than one fingerprint");
    }
    found = value;
  }
  if (found === undefined) {
    throw new SdpFingerprintError("Cannot use SDP: it has no a=fingerprint attribute");
  }
  return parseFingerprint(found);
}

/**
 * Parses a colon-separated hex fingerprint (either case), as in SDP or `getStats()`.
 *
 * @param text For example `"ab:cd:..."` with 32 byte groups.
 * @returns The 32 bytes.
 * @throws {SdpFingerprintError} If it is not 32 colon-separated hex bytes.
 */
export function parseFingerprint(text: string): Uint8Array {
  const parts = text.trim().split(":");
  if (parts.length !== 32 || !parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) {
    throw new SdpFingerprintError("Cannot parse fingerprint: want 32 colon-separated hex bytes");
  }
  return hexToBytes(`0x${parts.join("")}`);
}

/**
 * Formats 32 bytes the way SDP does (upper-case hex, colon-separated).
 *
 * @param bytes The fingerprint.
 * @returns For example `"AB:CD:..."`.
 */
export function formatFingerprint(bytes: Uint8Array): string {
  return bytesToHex(bytes).slice(2).toUpperCase().replace(/(..)(?!$)/g, "$1:");
}

const ORIGIN_LINE = /^o=\S+ (\d+) /m;

/**
 * The session id of an SDP's origin line (RFC 8866 section 5.2): one per `RTCPeerConnection`,
 * kept by its later descriptions (renegotiations, ICE restarts), so a description with another
 * id comes from another connection of the peer's.
 *
 * @param sdp The session description text.
 * @returns The id, or null when the SDP has no origin line.
 *
 * @example
 * ```ts
 * sdpSession("v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"); // "4611731400430051336"
 * ```
 */
export function sdpSession(sdp: string): string | null {
  return ORIGIN_LINE.exec(sdp)?.[1] ?? null;
}
