/**
 * The Mesh3 v1 key schedule (DESIGN.md step 7): ECDH shared secret → HKDF-SHA-256 (RFC 5869) →
 * per-direction chains of epochs, each epoch with its own AES-256-GCM key.
 *
 * Root step (RFC 5869 section 2.2 Extract + 2.3 Expand, done by WebCrypto's HKDF in one call):
 *   out = HKDF-SHA-256(IKM = ECDH secret, salt = room id (32 bytes), info = label || 0x00 || transcript, L = 32)
 * gives `chain_0` per direction and the key-confirmation value per direction.
 *
 * Epoch step, per direction d (u32, frame.ts) and epoch n (u32), with an empty salt:
 *   frame key_n   = HKDF-SHA-256(chain_n, info = "mesh3/v1 frame key" || 0x00 || d || n)
 *   chain_{n+1}   = HKDF-SHA-256(chain_n, info = "mesh3/v1 next epoch" || 0x00 || d || n+1)
 * After a step the old chain is dropped, so a later compromise does not open earlier epochs.
 *
 * Everything is a non-extractable CryptoKey except the 32-byte chain values, which pass through
 * `deriveBits` for one moment: WebCrypto cannot `deriveKey` an HKDF key from an HKDF key (HKDF has
 * no "key length", so `deriveKey(..., {name: "HKDF"})` is refused), so the bits are imported back
 * as a non-extractable HKDF key at once and the buffer is zeroed.
 * @module
 */
import type { Hex } from "viem";
import { concatBytes, fixedHex, u32, utf8 } from "./bytes.ts";
import { deriveSharedSecret, type EcdhKeyPair } from "./ecdh.ts";
import { type Direction, DIRECTION_HIGH_TO_LOW, DIRECTION_LOW_TO_HIGH } from "./frame.ts";
import { buildTranscript } from "./transcript.ts";

/** Root label: the chain of epochs sent by the low party to the high party. */
export const LABEL_CHAIN_LOW_TO_HIGH = "mesh3/v1 chain low->high";
/** Root label: the chain of epochs sent by the high party to the low party. */
export const LABEL_CHAIN_HIGH_TO_LOW = "mesh3/v1 chain high->low";
/** Root label: the confirmation value the low party sends. */
export const LABEL_CONFIRM_LOW_TO_HIGH = "mesh3/v1 confirm low->high";
/** Root label: the confirmation value the high party sends. */
export const LABEL_CONFIRM_HIGH_TO_LOW = "mesh3/v1 confirm high->low";
/** Epoch label: the AES-256-GCM key of an epoch. */
export const LABEL_FRAME_KEY = "mesh3/v1 frame key";
/** Epoch label: the next epoch's chain value. */
export const LABEL_NEXT_EPOCH = "mesh3/v1 next epoch";

/** Largest epoch number (the header carries it as u32). */
export const MAX_EPOCH = 0xffff_ffff;

const subtle = globalThis.crypto.subtle;
const EMPTY = new Uint8Array(0);

/** The keys of one direction in one epoch. */
export interface EpochKeys {
  /** Which direction these keys protect. */
  direction: Direction;
  /** The epoch number. */
  epoch: number;
  /** Non-extractable AES-256-GCM key (usage "encrypt" on the sending side, "decrypt" receiving). */
  key: CryptoKey;
  /** Non-extractable HKDF key holding chain_n, from which the next epoch is derived. */
  chain: CryptoKey;
}

/** Everything a channel needs, from one handshake. Use it for exactly one channel. */
export interface SessionKeys {
  /** The room id bytes (bound into every frame's associated data). */
  roomId: Uint8Array;
  /** Epoch 0 of the direction we send in. */
  send: EpochKeys;
  /** Epoch 0 of the direction we receive in. */
  receive: EpochKeys;
  /** 32 bytes we send as our key-confirmation message. */
  sendConfirmation: Uint8Array;
  /** 32 bytes we expect as the peer's key-confirmation message. */
  receiveConfirmation: Uint8Array;
  /** The canonical transcript (HKDF info) both sides derived from. */
  transcript: Uint8Array;
}

/** Inputs of {@link deriveSessionKeys}. */
export interface DeriveSessionKeysParameters {
  /** The room id, 32 bytes hex (HKDF salt). */
  roomId: Hex;
  /** Our ephemeral key pair. */
  keyPair: EcdhKeyPair;
  /** Our address and DTLS fingerprint (our public key comes from `keyPair`). */
  self: { address: Hex; fingerprint: Uint8Array };
  /** The peer's address, raw public key and DTLS fingerprint, as verified against the chain. */
  peer: { address: Hex; publicKey: Uint8Array; fingerprint: Uint8Array };
}

function info(label: string, context: Uint8Array): Uint8Array {
  return concatBytes(utf8(label), Uint8Array.of(0), context);
}

function hkdf(salt: Uint8Array, infoBytes: Uint8Array): HkdfParams {
  return {
    name: "HKDF",
    hash: "SHA-256",
    salt: salt as BufferSource,
    info: infoBytes as BufferSource,
  };
}

async function bits(ikm: CryptoKey, salt: Uint8Array, infoBytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle.deriveBits(hkdf(salt, infoBytes), ikm, 256));
}

/** chain bits → non-extractable HKDF key; the bits are zeroed (see the module comment). */
async function chainKey(
  ikm: CryptoKey,
  salt: Uint8Array,
  infoBytes: Uint8Array,
): Promise<CryptoKey> {
  const raw = await bits(ikm, salt, infoBytes);
  try {
    return await subtle.importKey("raw", raw as BufferSource, "HKDF", false, [
      "deriveKey",
      "deriveBits",
    ]);
  } finally {
    raw.fill(0);
  }
}

/**
 * Derives the AES-256-GCM key of epoch `epoch` from that epoch's chain key.
 *
 * @param chain The epoch's chain key (HKDF).
 * @param direction The direction constant.
 * @param epoch The epoch number.
 * @param usage "encrypt" for the sender, "decrypt" for the receiver.
 * @returns The epoch's keys.
 */
export async function deriveEpochKeys(
  chain: CryptoKey,
  direction: Direction,
  epoch: number,
  usage: "encrypt" | "decrypt",
): Promise<EpochKeys> {
  const key = await subtle.deriveKey(
    hkdf(EMPTY, info(LABEL_FRAME_KEY, concatBytes(u32(direction), u32(epoch)))),
    chain,
    { name: "AES-GCM", length: 256 },
    false,
    [usage],
  );
  return { direction, epoch, key, chain };
}

/**
 * Rekey: derives epoch n+1 from epoch n of the same direction. Both sides call it, the sender
 * when its channel decides to rekey, the receiver when a frame names the next epoch.
 *
 * @param current The current epoch's keys.
 * @returns The next epoch's keys (same usage as `current.key`).
 * @throws {RangeError} If the epoch number would pass {@link MAX_EPOCH}.
 *
 * @example
 * ```ts
 * const next = await nextEpochKeys(keys.send); // next.epoch === keys.send.epoch + 1
 * ```
 */
export async function nextEpochKeys(current: EpochKeys): Promise<EpochKeys> {
  const epoch = current.epoch + 1;
  if (epoch > MAX_EPOCH) throw new RangeError("Cannot rekey: the epoch number would wrap");
  const context = concatBytes(u32(current.direction), u32(epoch));
  const chain = await chainKey(current.chain, EMPTY, info(LABEL_NEXT_EPOCH, context));
  const usage = current.key.usages.includes("encrypt") ? "encrypt" : "decrypt";
  return deriveEpochKeys(chain, current.direction, epoch, usage);
}

/**
 * Runs the handshake's key schedule: ECDH, then HKDF over the canonical transcript.
 *
 * @param params Room id, our key pair and identity, the verified peer.
 * @returns Epoch-0 keys per direction, confirmation values and the transcript.
 * @throws {KeyAgreementError} If the peer's public key is unusable.
 * @throws {TypeError} If an input is malformed.
 *
 * @example
 * ```ts
 * const keys = await deriveSessionKeys({ roomId, keyPair, self: { address, fingerprint }, peer });
 * const channel = await handshake({ keys, transport });
 * ```
 */
export async function deriveSessionKeys(params: DeriveSessionKeysParameters): Promise<SessionKeys> {
  const { keyPair, self, peer } = params;
  const roomId = fixedHex(params.roomId, 32, "room id");
  const transcript = buildTranscript(
    { address: self.address, publicKey: keyPair.publicKey, fingerprint: self.fingerprint },
    peer,
  );
  const ikm = await deriveSharedSecret(keyPair, peer.publicKey);
  const t = transcript.bytes;
  const [chainL2H, chainH2L, confirmL2H, confirmH2L] = await Promise.all([
    chainKey(ikm, roomId, info(LABEL_CHAIN_LOW_TO_HIGH, t)),
    chainKey(ikm, roomId, info(LABEL_CHAIN_HIGH_TO_LOW, t)),
    bits(ikm, roomId, info(LABEL_CONFIRM_LOW_TO_HIGH, t)),
    bits(ikm, roomId, info(LABEL_CONFIRM_HIGH_TO_LOW, t)),
  ]);
  const low = transcript.selfIsLow;
  const [send, receive] = await Promise.all([
    low
      ? deriveEpochKeys(chainL2H, DIRECTION_LOW_TO_HIGH, 0, "encrypt")
      : deriveEpochKeys(chainH2L, DIRECTION_HIGH_TO_LOW, 0, "encrypt"),
    low
      ? deriveEpochKeys(chainH2L, DIRECTION_HIGH_TO_LOW, 0, "decrypt")
      : deriveEpochKeys(chainL2H, DIRECTION_LOW_TO_HIGH, 0, "decrypt"),
  ]);
  return {
    roomId,
    send,
    receive,
    sendConfirmation: low ? confirmL2H : confirmH2L,
    receiveConfirmation: low ? confirmH2L : confirmL2H,
    transcript: t,
  };
}
