/**
 * After the DataChannel opens: is the DTLS certificate actually in use the one the peer committed
 * to? Reads it from `getStats()` (asked again for a few seconds, as reports are cached) and, where
 * the browser has it, from `RTCDtlsTransport.getRemoteCertificates()`; every source must agree.
 * A browser that exposes neither still checked the certificate against the verified SDP
 * fingerprint itself (RFC 8122), so that fingerprint stands.
 * @module
 */
import { equalBytes } from "../core/bytes.ts";
import {
  canReadRemoteCertificate,
  remoteCertificateDigest,
  remoteCertificateFingerprint,
} from "./rtc_stats.ts";

/**
 * The SHA-256 fingerprint of the certificate in use, if it is `committed`.
 *
 * @param pc The connected peer connection.
 * @param committed The fingerprint verified against the chain.
 * @returns The fingerprint in use, or null when it differs or cannot be read where it should be.
 *
 * @example
 * ```ts ignore
 * const used = await certificateInUse(pc, verified.fingerprint);
 * if (!used) refuse("certificate-mismatch");
 * ```
 */
export async function certificateInUse(
  pc: RTCPeerConnection,
  committed: Uint8Array,
): Promise<Uint8Array | null> {
  const readable = await canReadRemoteCertificate(pc).catch(() => true);
  if (!readable) return committed;
  let seen: Uint8Array[] = [];
  for (let i = 0; i < 30 && seen.length === 0 && pc.connectionState !== "closed"; i++) {
    const found = await Promise.all([
      remoteCertificateFingerprint(pc).catch(() => null),
      remoteCertificateDigest(pc).catch(() => null),
    ]);
    seen = found.filter((f): f is Uint8Array => f !== null);
    if (seen.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  if (seen.length === 0 || !seen.every((f) => equalBytes(f, committed))) return null;
  return seen[0];
}
