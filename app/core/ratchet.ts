/**
 * The DH ratchet of protocol v2 (docs/CRYPTO.md section 4, "Epochs"): every new epoch of a
 * direction mixes a fresh ECDH share of its sender with the receiver's latest share into the
 * one-way chain, so a passive attacker who once learned a chain loses the conversation once both
 * sides have made a fresh share since (post-compromise security; the channel's "answer" step makes
 * that happen within one exchange).
 *
 *   dh          = ECDH(sender's fresh share, receiver's share of its epoch `peer epoch`)
 *   step        = flags (u8; bit 0 = answer) || u32 peer epoch || u8 len || fresh share
 *   chain_n+1,d = HKDF(chain_n,d, salt = dh, info = "mesh3/v2 ratchet" || 0x00 || u32 d ||
 *                      u32 n+1 || step)
 *   frame_key_n+1,d as in key_schedule.ts.
 *
 * The old chain is dropped after the step (forward secrecy, the TLS 1.3 KeyUpdate model). The
 * step travels in the header of every frame of the new epoch, in the associated data.
 * @module
 */
import { concatBytes, u32, utf8 } from "./bytes.ts";
import { type EcdhCurve, type EcdhKeyPair, importPeerPublicKey } from "./ecdh.ts";
import { KeyAgreementError } from "./errors.ts";
import { deriveEpochKeys, type EpochKeys, MAX_EPOCH } from "./key_schedule.ts";

/** Epoch label: the next epoch's chain value after a DH step. */
export const LABEL_RATCHET = "mesh3/v2 ratchet";
/** Step flag: this step answers the peer's (it does not ask for an answer). */
export const STEP_ANSWER = 1;

const subtle = globalThis.crypto.subtle;

/** A DH step as carried in frames. */
export interface RatchetStep {
  /** Whether the step answers one of the peer's (then the peer does not answer it). */
  answer: boolean;
  /** The epoch of the receiver's sending direction whose share the step used. */
  peerEpoch: number;
  /** The sender's fresh raw ECDH public key. */
  share: Uint8Array;
}

/**
 * Encodes a step: flags || u32 peer epoch || u8 length || share.
 *
 * @param step The step.
 * @returns Its bytes (38 with X25519, 71 with P-256).
 *
 * @example
 * ```ts
 * encodeStep({ answer: false, peerEpoch: 0, share: new Uint8Array(32) }).length; // 38
 * ```
 */
export function encodeStep(step: RatchetStep): Uint8Array {
  return concatBytes(
    Uint8Array.of(step.answer ? STEP_ANSWER : 0),
    u32(step.peerEpoch),
    Uint8Array.of(step.share.length),
    step.share,
  );
}

/**
 * Reads a step from a frame header's step bytes (already length-checked by `parseHeader`).
 *
 * @param bytes The step bytes.
 * @returns The step, or null when its flags are unknown.
 *
 * @example
 * ```ts
 * parseStep(encodeStep({ answer: true, peerEpoch: 4, share: new Uint8Array(32) }))?.peerEpoch; // 4
 * ```
 */
export function parseStep(bytes: Uint8Array): RatchetStep | null {
  if (bytes.length < 6 || (bytes[0] & ~STEP_ANSWER) !== 0) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return {
    answer: (bytes[0] & STEP_ANSWER) !== 0,
    peerEpoch: view.getUint32(1),
    share: bytes.slice(6),
  };
}

/**
 * ECDH between one of our shares and a peer's share, as raw bits (zero them after use).
 *
 * @param pair Our share.
 * @param peerShare The peer's raw public key (same curve).
 * @returns 32 bytes.
 * @throws {KeyAgreementError} If the peer's share is unusable.
 *
 * @example
 * ```ts
 * import { generateEcdhKeyPair } from "./ecdh.ts";
 * const [a, b] = [await generateEcdhKeyPair(), await generateEcdhKeyPair()];
 * (await ratchetDh(a, b.publicKey)).length; // 32
 * ```
 */
export async function ratchetDh(pair: EcdhKeyPair, peerShare: Uint8Array): Promise<Uint8Array> {
  const curve: EcdhCurve = pair.curve;
  const peer = await importPeerPublicKey(peerShare, curve);
  try {
    return new Uint8Array(
      await subtle.deriveBits(
        { name: curve === "X25519" ? "X25519" : "ECDH", public: peer } as EcdhKeyDeriveParams,
        pair.privateKey,
        256,
      ),
    );
  } catch {
    throw new KeyAgreementError("Cannot step the ratchet: the peer's share is of low order");
  }
}

/**
 * The next epoch's keys of a direction after a DH step (both sides call it: the sender with its
 * fresh share and the receiver's, the receiver with its own share and the sender's).
 *
 * @param current The current epoch's keys.
 * @param dh The step's ECDH output (zeroed here).
 * @param step The encoded step, as in the frame.
 * @returns Epoch n+1 (same usage as `current.key`).
 * @throws {RangeError} If the epoch number would pass {@link MAX_EPOCH}.
 *
 * @example
 * ```ts
 * import { sessionPair } from "../../testing/core_fixtures.ts";
 * const [alice] = await sessionPair();
 * const step = encodeStep({ answer: false, peerEpoch: 0, share: new Uint8Array(32).fill(9) });
 * (await ratchetEpochKeys(alice.keys.send, new Uint8Array(32), step)).epoch; // 1
 * ```
 */
export async function ratchetEpochKeys(
  current: EpochKeys,
  dh: Uint8Array,
  step: Uint8Array,
): Promise<EpochKeys> {
  const epoch = current.epoch + 1;
  if (epoch > MAX_EPOCH) throw new RangeError("Cannot rekey: the epoch number would wrap");
  const info = concatBytes(
    utf8(LABEL_RATCHET),
    Uint8Array.of(0),
    u32(current.direction),
    u32(epoch),
    step,
  );
  const raw = new Uint8Array(
    await subtle.deriveBits(
      { name: "HKDF", hash: "SHA-256", salt: dh as BufferSource, info: info as BufferSource },
      current.chain,
      256,
    ),
  );
  dh.fill(0);
  let chain: CryptoKey;
  try {
    chain = await subtle.importKey("raw", raw as BufferSource, "HKDF", false, [
      "deriveKey",
      "deriveBits",
    ]);
  } finally {
    raw.fill(0);
  }
  const usage = current.key.usages.includes("encrypt") ? "encrypt" : "decrypt";
  return deriveEpochKeys(chain, current.direction, epoch, usage);
}
