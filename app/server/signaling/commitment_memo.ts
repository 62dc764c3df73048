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
    // Keys and values kept here are flat strings: built by `+=`, a 64-character hex string is
    // a tree of 32 two-character strings (about 1.7 KB instead of 80 bytes), and thousands are
    // kept (issue 10, item 10: most of the heap a long fuzz run kept).
    const id = [roomId, publicKey, fp].join(" ");
    let full = this.#commitments.get(id);
    if (full === undefined) {
      full = flat(computeCommitment({
        chainId: this.#chainId,
        registry: this.#registry,
        roomId,
        publicKey: key ?? decodeBase64Url(publicKey),
        fingerprint: fromHex(fp),
      })) as Hex;
      this.#commitments.set(id, full);
    }
    return full;
  }
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** Lower-case hex, as one flat string (see `commitment`). */
function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => HEX[b]).join("");
}

/** A flat copy of a string that may be a tree of concatenations. */
function flat(s: string): string {
  return Array.from(s).join("");
}

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
