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
 * ```ts
 * const used = await remoteCertificateFingerprint(pc);
 * ```
 */
export async function remoteCertificateFingerprint(
  pc: RTCPeerConnection,
): Promise<Uint8Array | null> {
  const { byId, transport } = await transportOf(pc);
  const certId = transport?.remoteCertificateId;
  if (typeof certId !== "string") return null;
  const cert = byId.get(certId);
  if (!cert || String(cert.fingerprintAlgorithm).toLowerCase() !== "sha-256") return null;
  return parseFingerprint(String(cert.fingerprint));
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
