/**
 * The Mesh3 v1 key schedule (DESIGN.md step 7): ECDH shared secret → HKDF-SHA-256 (RFC 5869) →
 * per-direction session chains → per-connection chains of epochs, each epoch with its own
 * AES-256-GCM key. All HKDF outputs are 32 bytes; every label is followed by one 0x00 byte.
 *
 * Session (RFC 5869 section 2.2 Extract + 2.3 Expand, done by WebCrypto's HKDF in one call):
 *   session_d = HKDF(IKM = ECDH secret, salt = room id, info = LABEL_CHAIN_d || 0x00 || transcript)
 *
 * Connection: the ECDH keys live as long as the on-chain commitment, and may serve several
 * connections between the same two browsers; each connection therefore mixes in a fresh 32-byte
 * nonce from each side (sent in the clear by `handshake`), so its keys are new even when both key
 * pairs are reused and sequence numbers restart at 0. With N = nonce_low || nonce_high:
 *   chain_0,d      = HKDF(session_d, salt = N, info = "mesh3/v1 connection" || 0x00 || u32 d)
 *   confirmation_d = HKDF(session_d, salt = N, info = "mesh3/v1 confirm"    || 0x00 || u32 d)
 *
 * Epoch step, per direction d and epoch n (u32), with an empty salt:
 *   frame_key_n,d  = HKDF(chain_n,d, info = "mesh3/v1 frame key"  || 0x00 || u32 d || u32 n)
 *   chain_n+1,d    = HKDF(chain_n,d, info = "mesh3/v1 next epoch" || 0x00 || u32 d || u32 n+1)
 * After a step the old chain is dropped, so a later compromise does not open earlier epochs.
 *
 * Every secret is a non-extractable CryptoKey except for one moment per chain value: WebCrypto
 * cannot `deriveKey` an HKDF key from an HKDF key (HKDF has no "key length", so `deriveKey(...,
 * {name: "HKDF"})` is refused), so a chain value comes out of `deriveBits`, is imported back as a
 * non-extractable HKDF key at once, and its buffer is zeroed. The confirmation values are bytes:
 * they are sent (encrypted) anyway and reveal nothing about the keys.
 * @module
 */
import type { Hex } from "viem";
import { concatBytes, fixedHex, u32, utf8 } from "./bytes.ts";
import { deriveSharedSecret, type EcdhKeyPair } from "./ecdh.ts";
import { type Direction, DIRECTION_HIGH_TO_LOW, DIRECTION_LOW_TO_HIGH } from "./frame.ts";
import { buildTranscript } from "./transcript.ts";

/** Session label: the chain of frames sent by the low party to the high party. */
export const LABEL_CHAIN_LOW_TO_HIGH = "mesh3/v1 chain low->high";
/** Session label: the chain of frames sent by the high party to the low party. */
export const LABEL_CHAIN_HIGH_TO_LOW = "mesh3/v1 chain high->low";
/** Connection label: a direction's epoch-0 chain value. */
export const LABEL_CONNECTION = "mesh3/v1 connection";
/** Connection label: a direction's key-confirmation value. */
export const LABEL_CONFIRM = "mesh3/v1 confirm";
/** Epoch label: the AES-256-GCM key of an epoch. */
export const LABEL_FRAME_KEY = "mesh3/v1 frame key";
/** Epoch label: the next epoch's chain value. */
export const LABEL_NEXT_EPOCH = "mesh3/v1 next epoch";

/** Length of each side's connection nonce. */
export const NONCE_LENGTH = 32;
/** Largest epoch number (the header carries it as u32). */
export const MAX_EPOCH = 0xffff_ffff;

const subtle = globalThis.crypto.subtle;
const EMPTY = new Uint8Array(0);

/** A direction's session chain value (non-extractable HKDF key). */
export interface SessionChain {
  direction: Direction;
  chain: CryptoKey;
}

/** What one handshake's ECDH and transcript give; `handshake` turns it into connection keys. */
export interface SessionKeys {
  /** The room id bytes (HKDF salt, and bound into every frame's associated data). */
  roomId: Uint8Array;
  /** The canonical transcript (HKDF info) both sides derived from. */
  transcript: Uint8Array;
  /** Whether we are the low party (we send low→high). */
  selfIsLow: boolean;
  /** The chain of the direction we send in. */
  send: SessionChain;
  /** The chain of the direction we receive in. */
  receive: SessionChain;
}

/** The keys of one direction in one epoch. */
export interface EpochKeys {
  /** Which direction these keys protect. */
  direction: Direction;
  /** The epoch number. */
  epoch: number;
  /** Non-extractable AES-256-GCM key (usage "encrypt" on the sending side, "decrypt" receiving). */
  key: CryptoKey;
  /** Non-extractable HKDF key holding this epoch's chain value. */
  chain: CryptoKey;
}

/** Everything a channel needs for one connection. Use it for exactly one channel. */
export interface ConnectionKeys {
  /** The room id bytes. */
  roomId: Uint8Array;
  /** Epoch 0 of the direction we send in. */
  send: EpochKeys;
  /** Epoch 0 of the direction we receive in. */
  receive: EpochKeys;
  /** 32 bytes we send as our key-confirmation message. */
  sendConfirmation: Uint8Array;
  /** 32 bytes we expect as the peer's key-confirmation message. */
  receiveConfirmation: Uint8Array;
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
 * Derives the AES-256-GCM key of an epoch from that epoch's chain key.
 *
 * @param chain The epoch's chain key (HKDF).
 * @param direction The direction constant.
 * @param epoch The epoch number.
 * @param usage "encrypt" for the sender, "decrypt" for the receiver.
 * @returns The epoch's keys.
 *
 * @example
 * ```ts
 * import { DIRECTION_LOW_TO_HIGH } from "./frame.ts";
 * const raw = crypto.getRandomValues(new Uint8Array(32));
 * const usages: KeyUsage[] = ["deriveKey", "deriveBits"];
 * const chain = await crypto.subtle.importKey("raw", raw, "HKDF", false, usages);
 * const keys = await deriveEpochKeys(chain, DIRECTION_LOW_TO_HIGH, 0, "encrypt");
 * keys.key.algorithm.name; // "AES-GCM"
 * ```
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
 * when its channel decides to rekey, the receiver when a frame names a later epoch.
 *
 * @param current The current epoch's keys.
 * @returns The next epoch's keys (same usage as `current.key`).
 * @throws {RangeError} If the epoch number would pass {@link MAX_EPOCH}.
 *
 * @example
 * ```ts
 * import { sessionPair } from "../../testing/core_fixtures.ts";
 * const [alice] = await sessionPair();
 * const next = await nextEpochKeys(alice.keys.send);
 * next.epoch; // 1: alice.keys.send.epoch + 1
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
 * Runs the session part of the key schedule: ECDH, then HKDF over the canonical transcript.
 *
 * @param params Room id, our key pair and identity, the verified peer.
 * @returns The session chains per direction and the transcript; pass them to `handshake`.
 * @throws {KeyAgreementError} If the peer's public key is unusable.
 * @throws {TypeError} If an input is malformed, or the keys are on different curves.
 * @throws {RangeError} If both parties have the same address.
 *
 * @example
 * ```ts
 * import { generateEcdhKeyPair } from "./ecdh.ts";
 * const roomId = `0x${"ab".repeat(32)}` as const;
 * const [mine, theirs] = [await generateEcdhKeyPair(), await generateEcdhKeyPair()];
 * const keys = await deriveSessionKeys({
 *   roomId,
 *   keyPair: mine,
 *   self: {
 *     address: "0x1111111111111111111111111111111111111111",
 *     fingerprint: new Uint8Array(32),
 *   },
 *   peer: {
 *     address: "0x2222222222222222222222222222222222222222",
 *     publicKey: theirs.publicKey, // as verified against the chain
 *     fingerprint: new Uint8Array(32).fill(1),
 *   },
 * });
 * keys.selfIsLow; // true: 0x11... sorts first, so we send low->high
 * // then: const channel = await handshake({ keys, transport });
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
  const [lowToHigh, highToLow] = await Promise.all([
    chainKey(ikm, roomId, info(LABEL_CHAIN_LOW_TO_HIGH, t)),
    chainKey(ikm, roomId, info(LABEL_CHAIN_HIGH_TO_LOW, t)),
  ]);
  const l2h: SessionChain = { direction: DIRECTION_LOW_TO_HIGH, chain: lowToHigh };
  const h2l: SessionChain = { direction: DIRECTION_HIGH_TO_LOW, chain: highToLow };
  const low = transcript.selfIsLow;
  return { roomId, transcript: t, selfIsLow: low, send: low ? l2h : h2l, receive: low ? h2l : l2h };
}

/**
 * Runs the connection part: mixes both sides' nonces into fresh epoch-0 keys and confirmation
 * values. `handshake` calls it; tests and vectors call it with fixed nonces.
 *
 * @param session The session keys.
 * @param nonces Our nonce and the peer's, 32 bytes each.
 * @returns Keys for exactly one channel.
 * @throws {TypeError} If a nonce is not 32 bytes.
 *
 * @example
 * ```ts
 * import { sessionPair } from "../../testing/core_fixtures.ts";
 * const [alice] = await sessionPair();
 * const mine = crypto.getRandomValues(new Uint8Array(32));
 * const theirs = crypto.getRandomValues(new Uint8Array(32));
 * const connection = await deriveConnectionKeys(alice.session, { self: mine, peer: theirs });
 * connection.sendConfirmation.length; // 32
 * ```
 */
export async function deriveConnectionKeys(
  session: SessionKeys,
  nonces: { self: Uint8Array; peer: Uint8Array },
): Promise<ConnectionKeys> {
  for (const n of [nonces.self, nonces.peer]) {
    if (!(n instanceof Uint8Array) || n.length !== NONCE_LENGTH) {
      throw new TypeError(`Cannot derive connection keys: a nonce must be ${NONCE_LENGTH} bytes`);
    }
  }
  const salt = session.selfIsLow
    ? concatBytes(nonces.self, nonces.peer)
    : concatBytes(nonces.peer, nonces.self);
  const side = async (s: SessionChain, usage: "encrypt" | "decrypt") => {
    const d = u32(s.direction);
    const [chain, confirmation] = await Promise.all([
      chainKey(s.chain, salt, info(LABEL_CONNECTION, d)),
      bits(s.chain, salt, info(LABEL_CONFIRM, d)),
    ]);
    return { keys: await deriveEpochKeys(chain, s.direction, 0, usage), confirmation };
  };
  const [send, receive] = await Promise.all([
    side(session.send, "encrypt"),
    side(session.receive, "decrypt"),
  ]);
  return {
    roomId: session.roomId,
    send: send.keys,
    receive: receive.keys,
    sendConfirmation: send.confirmation,
    receiveConfirmation: receive.confirmation,
  };
}
