/**
 * A memo of the pure part of the relay check: the full commitment an offer or answer stands
 * for, recomputed from its public key and its SDP's DTLS fingerprint (keccak-256, about 25 µs,
 * plus reading the SDP). The same description often comes again (a client resends an offer that
 * got no answer, a replay), and renegotiation keeps the keys. Only what is a pure function of its
 * inputs is kept: the comparison with the sender's current on-chain commitment is made every
 * time, so a re-commit is seen at once.
 * @module
 */
import type { Hex } from "viem";
import { computeCommitment } from "../../core/commitment.ts";
import { fingerprintFromSdp } from "../../core/sdp.ts";
import { decodeBase64Url } from "../../core/wire.ts";
import { BoundedMap } from "../bounded_map.ts";

/** Options of {@linkcode CommitmentMemo}. */
export interface CommitmentMemoOptions {
  chainId: number;
  registry: Hex;
  /** Most SDPs and most commitments kept (each); the oldest go first. Default 2,048. */
  maxEntries?: number;
  /** Longest SDP kept, in characters (longer ones are read every time). Default 2,048: a
   * data-channel SDP is about 1 KB, and the SDPs kept stay under maxEntries × this (4 MiB,
   * 8 MiB in two-byte characters). */
  maxSdpLength?: number;
}

/**
 * Full commitments of descriptions, memoised.
 *
 * @example
 * ```ts
 * const memo = new CommitmentMemo({ chainId: 31337, registry });
 * const full = memo.commitment(roomId, publicKey, sdp); // as computeCommitment(...)
 * ```
 */
export class CommitmentMemo {
  #chainId: number;
  #registry: Hex;
  #maxSdpLength: number;
  /** SDP text → its fingerprint as hex. */
  #fingerprints: BoundedMap<string, string>;
  /** `roomId publicKey fingerprint` → full commitment. */
  #commitments: BoundedMap<string, Hex>;

  constructor(o: CommitmentMemoOptions) {
    this.#chainId = o.chainId;
    this.#registry = o.registry;
    this.#maxSdpLength = o.maxSdpLength ?? 2048;
    this.#fingerprints = new BoundedMap({ maxSize: o.maxEntries ?? 2048 });
    this.#commitments = new BoundedMap({ maxSize: o.maxEntries ?? 2048 });
  }

  /**
   * The full commitment for a description, as `computeCommitment` with
   * `fingerprintFromSdp(sdp)` and `decodeBase64Url(publicKey)` gives it.
   *
   * @param roomId The room id (lower-case hex, as parsed).
   * @param publicKey The public key as sent (base64url).
   * @param sdp The SDP as sent.
   * @throws {SdpFingerprintError} When the SDP has no single SHA-256 fingerprint.
   * @throws {TypeError} When a field has the wrong shape (as `computeCommitment`).
   */
  commitment(roomId: Hex, publicKey: string, sdp: string): Hex {
    const keep = sdp.length <= this.#maxSdpLength;
    let fp = keep ? this.#fingerprints.get(sdp) : undefined;
    let key: Uint8Array | undefined;
    if (fp === undefined) {
      // The same order as computeCommitment's callers: the key is read before the SDP, so a
      // description wrong in both is refused for the same reason.
      key = decodeBase64Url(publicKey);
      fp = toHex(fingerprintFromSdp(sdp));
      if (keep) this.#fingerprints.set(sdp, fp);
    }
    const id = roomId + " " + publicKey + " " + fp;
    let full = this.#commitments.get(id);
    if (full === undefined) {
      full = computeCommitment({
        chainId: this.#chainId,
        registry: this.#registry,
        roomId,
        publicKey: key ?? decodeBase64Url(publicKey),
        fingerprint: fromHex(fp),
      });
      this.#commitments.set(id, full);
    }
    return full;
  }
}

function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += (b < 16 ? "0" : "") + b.toString(16);
  return out;
}

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
