/**
 * What `RTCPeerConnection.getStats()` says about a live connection: the remote DTLS certificate
 * fingerprint actually in use, and whether the selected path is direct or through a TURN relay.
 * @module
 */
import { parseFingerprint } from "../core/mod.ts";

/** How the packets travel. */
export type PathKind = "direct" | "relay";

interface StatsEntry {
  type: string;
  id: string;
  [key: string]: unknown;
}

/**
 * The transport entry and its selected candidate pair.
 *
 * @param pc A connected peer connection.
 * @returns The stats map as a plain map, plus the transport entry when there is one.
 */
async function transportOf(pc: RTCPeerConnection) {
  const report = await pc.getStats();
  const byId = new Map<string, StatsEntry>();
  report.forEach((s: StatsEntry) => byId.set(s.id, s));
  const transport = [...byId.values()].find((s) => s.type === "transport");
  return { byId, transport };
}

/**
 * The SHA-256 fingerprint of the certificate the remote side uses in the DTLS handshake.
 *
 * @param pc A connected peer connection.
 * @returns 32 bytes, or null when not known yet.
 *
 * @example
 * ```ts ignore
 * // A connected browser RTCPeerConnection.
 * const used = await remoteCertificateFingerprint(pc);
 * ```
 */
export async function remoteCertificateFingerprint(
  pc: RTCPeerConnection,
): Promise<Uint8Array | null> {
  const { byId } = await transportOf(pc);
  // Every transport in use must name the same remote certificate (one with BUNDLE).
  let found: string | null = null;
  for (const s of byId.values()) {
    if (s.type !== "transport" || typeof s.remoteCertificateId !== "string") continue;
    const cert = byId.get(s.remoteCertificateId);
    if (!cert || String(cert.fingerprintAlgorithm).toLowerCase() !== "sha-256") return null;
    const fp = String(cert.fingerprint).toLowerCase();
    if (found !== null && found !== fp) return null;
    found = fp;
  }
  return found === null ? null : parseFingerprint(found);
}

/**
 * The SHA-256 of the remote DTLS certificate from `RTCDtlsTransport.getRemoteCertificates()`
 * (the leaf, DER), where the browser has it.
 *
 * @param pc A connected peer connection.
 * @returns 32 bytes, or null when not available.
 */
export async function remoteCertificateDigest(pc: RTCPeerConnection): Promise<Uint8Array | null> {
  const transport = pc.sctp?.transport as
    | (RTCDtlsTransport & { getRemoteCertificates?: () => ArrayBuffer[] })
    | undefined;
  const certs = transport?.getRemoteCertificates?.();
  if (!certs || certs.length === 0) return null;
  return new Uint8Array(await crypto.subtle.digest("SHA-256", certs[0]));
}

/**
 * Whether this browser can tell which remote certificate a connection uses at all: `getStats()`
 * with transport entries, or `RTCDtlsTransport.getRemoteCertificates()`. Where it cannot (some
 * Firefox versions), the browser's own DTLS check against the remote description's fingerprint,
 * which was verified against the chain, is what remains.
 *
 * @param pc A connected peer connection.
 * @returns true when at least one of the two sources exists.
 */
export async function canReadRemoteCertificate(pc: RTCPeerConnection): Promise<boolean> {
  const transport = pc.sctp?.transport as
    | (RTCDtlsTransport & { getRemoteCertificates?: () => ArrayBuffer[] })
    | undefined;
  if (typeof transport?.getRemoteCertificates === "function") return true;
  const { transport: stats } = await transportOf(pc);
  return stats !== undefined;
}

/**
 * Whether the selected candidate pair goes through a relay (either end a `relay` candidate).
 *
 * @param pc A connected peer connection.
 * @returns "relay", "direct", or null when no pair is selected yet.
 */
export async function selectedPath(pc: RTCPeerConnection): Promise<PathKind | null> {
  const { byId, transport } = await transportOf(pc);
  let pair = typeof transport?.selectedCandidatePairId === "string"
    ? byId.get(transport.selectedCandidatePairId)
    : undefined;
  // Some browsers do not expose selectedCandidatePairId: fall back to the nominated pair.
  pair ??= [...byId.values()].find((s) =>
    s.type === "candidate-pair" && s.nominated === true && s.state === "succeeded"
  );
  if (!pair) return null;
  const local = byId.get(String(pair.localCandidateId));
  const remote = byId.get(String(pair.remoteCandidateId));
  if (!local || !remote) return null;
  return local.candidateType === "relay" || remote.candidateType === "relay" ? "relay" : "direct";
}
