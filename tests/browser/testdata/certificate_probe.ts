/**
 * Browser-side probe for browsers_test.ts: connects two local peer connections with their own
 * generated certificates and reports where the client (app/client/rtc_stats.ts,
 * certificate_in_use.ts) finds the remote DTLS certificate in use, in this browser.
 * @module
 */
import { formatFingerprint, parseFingerprint } from "../../../app/core/mod.ts";
import { certificateInUse } from "../../../app/client/certificate_in_use.ts";
import {
  canReadRemoteCertificate,
  remoteCertificateDigest,
  remoteCertificateFingerprint,
  selectedPath,
} from "../../../app/client/rtc_stats.ts";

/** What the probe found, fingerprints as lower-case colon hex (null: not found). */
export interface CertificateSources {
  /** The certificate the other side committed to (its `getFingerprints()`). */
  committed: string;
  /** Whether the browser exposes any source at all. */
  readable: boolean;
  /** From `getStats()`: transport → `remoteCertificateId` → certificate `fingerprint`. */
  stats: string | null;
  /** From `RTCDtlsTransport.getRemoteCertificates()` (SHA-256 of the leaf). */
  digest: string | null;
  /** What `certificateInUse` returns for the committed fingerprint. */
  inUse: string | null;
  /** What `certificateInUse` returns for another fingerprint (must be null). */
  inUseOther: string | null;
  path: string | null;
}

const hex = (b: Uint8Array | null) => b === null ? null : formatFingerprint(b).toLowerCase();

async function probe(): Promise<CertificateSources> {
  const alg = { name: "ECDSA", namedCurve: "P-256" };
  const [ca, cb] = await Promise.all([
    RTCPeerConnection.generateCertificate(alg),
    RTCPeerConnection.generateCertificate(alg),
  ]);
  const a = new RTCPeerConnection({ certificates: [ca] });
  const b = new RTCPeerConnection({ certificates: [cb] });
  try {
    a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
    b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
    const channel = a.createDataChannel("probe");
    const open = new Promise((resolve, reject) => {
      channel.onopen = resolve;
      setTimeout(() => reject(new Error("Cannot open the probe channel within 10 s")), 10_000);
    });
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    await open;
    const committed = parseFingerprint(cb.getFingerprints()[0].value!);
    const other = new Uint8Array(32).fill(0x5a);
    return {
      committed: hex(committed)!,
      readable: await canReadRemoteCertificate(a),
      stats: hex(await remoteCertificateFingerprint(a)),
      digest: hex(await remoteCertificateDigest(a)),
      inUse: hex(await certificateInUse(a, committed)),
      inUseOther: hex(await certificateInUse(a, other)),
      path: await selectedPath(a),
    };
  } finally {
    a.close();
    b.close();
  }
}

Object.assign(globalThis, { certificateProbe: probe });
