/**
 * The Mesh3 v2 key schedule (docs/CRYPTO.md section 3): a hybrid X25519 + ML-KEM-768 root per
 * connection, then per-direction one-way chains of epochs, each epoch with its own AES-256-GCM
 * key. All HKDF (RFC 5869) outputs are 32 bytes; every label is followed by one 0x00 byte.
 *
 * Session (per room session, committed on chain): each side has a static ECDH key pair, an
 * ML-KEM-768 key pair and a DTLS certificate; `deriveSessionKeys` checks them into the transcript.
 *
 * Connection (per pair and per connection, the hello of handshake.ts): each side sends a fresh
 * nonce, a fresh ephemeral ECDH share and an ML-KEM-768 ciphertext encapsulated to the peer's
 * committed ML-KEM key. The combiner (X-Wing style, draft-connolly-cfrg-xwing-kem: every secret in
 * the input, every public value that made them in the context):
 *   IKM    = ss_kem_low || ss_kem_high || dh_ephemeral || dh_static
 *            (ss_kem_X: the secret of the ciphertext in X's hello, X encapsulated to the other)
 *   root   = HKDF(IKM, salt = room id,
 *                 info = "mesh3/v2 root" || 0x00 || SHA-256(transcript || hello_low || hello_high))
 *   chain_0,d      = HKDF(root, salt = "", info = "mesh3/v2 chain"   || 0x00 || u32 d)
 *   confirmation_d = HKDF(root, salt = "", info = "mesh3/v2 confirm" || 0x00 || u32 d)
 * The hellos carry the ciphertexts and ephemeral shares; the transcript carries both addresses,
 * static keys, fingerprints and ML-KEM key hashes. The root is secret while either X25519 (both
 * DH terms) or ML-KEM-768 (both KEM terms) holds; fresh ephemerals and encapsulations make every
 * connection's keys new and its own (per-pair secrets), even between the same two sessions.
 *
 * Epochs, per direction d and epoch n (u32), with an empty salt:
 *   frame_key_n,d  = HKDF(chain_n,d, info = "mesh3/v2 frame key"  || 0x00 || u32 d || u32 n)
 * and the next chain comes from a DH step (ratchet.ts, the TLS 1.3 KeyUpdate model with a DH
 * output as salt). After a step the old chain is dropped, so a later compromise does not open
 * earlier epochs.
 *
 * Every long-lived secret is a non-extractable CryptoKey except for one moment per chain value:
 * WebCrypto cannot `deriveKey` an HKDF key from an HKDF key, so a chain value comes out of
 * `deriveBits`, is imported back as a non-extractable HKDF key at once, and its buffer is zeroed.
 * The hybrid IKM is bytes for the same moment (ECDH `deriveBits`, ML-KEM secrets), zeroed after
 * import. The confirmation values are bytes: they are sent (encrypted) anyway.
 * @module
 */
import type { Hex } from "viem";
import { concatBytes, fixedHex, u32, utf8 } from "./bytes.ts";
import { type EcdhCurve, type EcdhKeyPair, importPeerPublicKey } from "./ecdh.ts";
import { KeyAgreementError } from "./errors.ts";
import { type Direction, DIRECTION_HIGH_TO_LOW, DIRECTION_LOW_TO_HIGH } from "./frame.ts";
import type { KemKeyPair } from "./kem.ts";
import { buildTranscript } from "./transcript.ts";

/** Connection label: the hybrid root of one connection. */
export const LABEL_ROOT = "mesh3/v2 root";
/** Connection label: a direction's epoch-0 chain value. */
export const LABEL_CONNECTION = "mesh3/v2 chain";
/** Connection label: a direction's key-confirmation value. */
export const LABEL_CONFIRM = "mesh3/v2 confirm";
/** Epoch label: the AES-256-GCM key of an epoch. */
export const LABEL_FRAME_KEY = "mesh3/v2 frame key";

/** Length of each side's connection nonce. */
export const NONCE_LENGTH = 32;
/** Largest epoch number (the header carries it as u32). */
export const MAX_EPOCH = 0xffff_ffff;

const subtle = globalThis.crypto.subtle;
const EMPTY = new Uint8Array(0);

/**
 * One room session's keys towards one verified peer (from `deriveSessionKeys`); `handshake`
 * turns them into fresh keys for each connection.
 */
export interface SessionKeys {
  /** The room id bytes (HKDF salt, and bound into every frame's associated data). */
  roomId: Uint8Array;
  /** The canonical transcript both sides derived from. */
  transcript: Uint8Array;
  /** Whether we are the low party (we send low->high). */
  selfIsLow: boolean;
  /** Our committed ECDH key pair (the ephemeral shares use its curve). */
  keyPair: EcdhKeyPair;
  /** Our committed ML-KEM-768 key pair (the peer encapsulates to it). */
  kemKeyPair: KemKeyPair;
  /** The peer's committed ECDH public key, imported and checked. */
  peerPublicKey: CryptoKey;
  /** The peer's committed ML-KEM-768 encapsulation key (we encapsulate to it). */
  peerKemKey: Uint8Array;
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
  /**
   * The DH ratchet's starting shares (ratchet.ts): our hello's ephemeral pair (our share of send
   * epoch 0) and the peer's hello share (its share of its send epoch 0).
   */
  ratchet: { self: EcdhKeyPair; peer: Uint8Array };
}

/** Inputs of {@link deriveSessionKeys}. */
export interface DeriveSessionKeysParameters {
  /** The room id, 32 bytes hex (HKDF salt). */
  roomId: Hex;
  /** Our session's ECDH key pair. */
  keyPair: EcdhKeyPair;
  /** Our session's ML-KEM-768 key pair. */
  kemKeyPair: KemKeyPair;
  /** Our address and DTLS fingerprint (our public keys come from the key pairs). */
  self: { address: Hex; fingerprint: Uint8Array };
  /** The peer's address, raw public key, DTLS fingerprint and ML-KEM key, verified on chain. */
  peer: { address: Hex; publicKey: Uint8Array; fingerprint: Uint8Array; kemKey: Uint8Array };
}

/** One side's hello material for a connection (handshake.ts sends it in its hello). */
export interface HelloSecrets {
  /** 32 random bytes. */
  nonce: Uint8Array;
  /** This connection's ephemeral ECDH key pair (same curve as the session's). */
  ephemeral: EcdhKeyPair;
  /** The ML-KEM-768 ciphertext to the peer's committed key. */
  ciphertext: Uint8Array;
  /** Its shared secret (zeroed by `deriveConnectionKeys`). */
  kemSecret: Uint8Array;
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
 * Runs the session part of the key schedule: checks the peer's committed keys and builds the
 * transcript. No secret is derived yet: every connection mixes fresh shares (handshake.ts).
 *
 * @param params Room id, our key pairs and identity, the verified peer.
 * @returns The session keys; pass them to `handshake`.
 * @throws {KeyAgreementError} If the peer's public key is unusable.
 * @throws {TypeError} If an input is malformed, or the keys are on different curves.
 * @throws {RangeError} If both parties have the same address.
 *
 * @example
 * ```ts
 * import { generateEcdhKeyPair } from "./ecdh.ts";
 * import { generateKemKeyPair } from "./kem.ts";
 * const roomId = `0x${"ab".repeat(32)}` as const;
 * const [mine, theirs] = [await generateEcdhKeyPair(), await generateEcdhKeyPair()];
 * const [myKem, theirKem] = [await generateKemKeyPair(), await generateKemKeyPair()];
 * const keys = await deriveSessionKeys({
 *   roomId,
 *   keyPair: mine,
 *   kemKeyPair: myKem,
 *   self: {
 *     address: "0x1111111111111111111111111111111111111111",
 *     fingerprint: new Uint8Array(32),
 *   },
 *   peer: {
 *     address: "0x2222222222222222222222222222222222222222",
 *     publicKey: theirs.publicKey, // as verified against the chain
 *     fingerprint: new Uint8Array(32).fill(1),
 *     kemKey: theirKem.publicKey, // its keccak256 is in the peer's commitment
 *   },
 * });
 * keys.selfIsLow; // true: 0x11... sorts first, so we send low->high
 * // then: const channel = await handshake({ keys, transport });
 * ```
 */
export async function deriveSessionKeys(params: DeriveSessionKeysParameters): Promise<SessionKeys> {
  const { keyPair, kemKeyPair, self, peer } = params;
  const roomId = fixedHex(params.roomId, 32, "room id");
  const transcript = buildTranscript(
    {
      address: self.address,
      publicKey: keyPair.publicKey,
      fingerprint: self.fingerprint,
      kemKey: kemKeyPair.publicKey,
    },
    peer,
  );
  const peerPublicKey = await importPeerPublicKey(peer.publicKey, keyPair.curve);
  // Refuse a low-order peer key now, not at the first connection.
  (await ecdhBits(keyPair.privateKey, keyPair.curve, peerPublicKey)).fill(0);
  return {
    roomId,
    transcript: transcript.bytes,
    selfIsLow: transcript.selfIsLow,
    keyPair,
    kemKeyPair,
    peerPublicKey,
    peerKemKey: peer.kemKey,
  };
}

async function ecdhBits(privateKey: CryptoKey, curve: EcdhCurve, peer: CryptoKey) {
  const name = curve === "X25519" ? "X25519" : "ECDH";
  try {
    return new Uint8Array(
      await subtle.deriveBits({ name, public: peer } as EcdhKeyDeriveParams, privateKey, 256),
    );
  } catch {
    throw new KeyAgreementError(
      "Cannot agree on a key: the peer public key is of low order or otherwise invalid",
    );
  }
}

/**
 * Runs the connection part: the hybrid combiner over both hellos (see the module comment), then
 * each direction's epoch-0 keys and confirmation value. `handshake` calls it; tests and vectors
 * call it with fixed hello material.
 *
 * @param session The session keys.
 * @param self Our hello material (`kemSecret` is zeroed here).
 * @param peer The peer's parsed hello: its bytes, nonce, ephemeral share and ciphertext to us.
 * @returns Keys for exactly one channel.
 * @throws {KeyAgreementError} If the peer's ephemeral share or ciphertext is unusable.
 *
 * @example
 * ```ts ignore
 * // handshake.ts: after sending our hello and parsing the peer's.
 * const connection = await deriveConnectionKeys(session, mine, parseHello(peerBytes, curve)!);
 * ```
 */
export async function deriveConnectionKeys(
  session: SessionKeys,
  self: HelloSecrets & { hello: Uint8Array },
  peer: { hello: Uint8Array; ephemeral: Uint8Array; ciphertext: Uint8Array },
): Promise<ConnectionKeys> {
  const curve = session.keyPair.curve;
  if (self.ephemeral.curve !== curve) {
    throw new TypeError("Cannot derive connection keys: the ephemeral key is on another curve");
  }
  const peerEphemeral = await importPeerPublicKey(peer.ephemeral, curve);
  const [dhEphemeral, dhStatic, kemIn] = await Promise.all([
    ecdhBits(self.ephemeral.privateKey, curve, peerEphemeral),
    ecdhBits(session.keyPair.privateKey, curve, session.peerPublicKey),
    session.kemKeyPair.decapsulate(peer.ciphertext),
  ]);
  const low = session.selfIsLow;
  const [kemLow, kemHigh] = low ? [self.kemSecret, kemIn] : [kemIn, self.kemSecret];
  const [helloLow, helloHigh] = low ? [self.hello, peer.hello] : [peer.hello, self.hello];
  const ikm = concatBytes(kemLow, kemHigh, dhEphemeral, dhStatic);
  for (const secret of [dhEphemeral, dhStatic, kemIn, self.kemSecret]) secret.fill(0);
  const context = new Uint8Array(
    await subtle.digest(
      "SHA-256",
      concatBytes(session.transcript, helloLow, helloHigh) as BufferSource,
    ),
  );
  let root: CryptoKey;
  try {
    const ikmKey = await subtle.importKey("raw", ikm as BufferSource, "HKDF", false, [
      "deriveBits",
    ]);
    root = await chainKey(ikmKey, session.roomId, info(LABEL_ROOT, context));
  } finally {
    ikm.fill(0);
  }
  const side = async (direction: Direction, usage: "encrypt" | "decrypt") => {
    const d = u32(direction);
    const [chain, confirmation] = await Promise.all([
      chainKey(root, EMPTY, info(LABEL_CONNECTION, d)),
      bits(root, EMPTY, info(LABEL_CONFIRM, d)),
    ]);
    return { keys: await deriveEpochKeys(chain, direction, 0, usage), confirmation };
  };
  const [sendDirection, receiveDirection] = low
    ? [DIRECTION_LOW_TO_HIGH, DIRECTION_HIGH_TO_LOW]
    : [DIRECTION_HIGH_TO_LOW, DIRECTION_LOW_TO_HIGH];
  const [send, receive] = await Promise.all([
    side(sendDirection, "encrypt"),
    side(receiveDirection, "decrypt"),
  ]);
  return {
    roomId: session.roomId,
    send: send.keys,
    receive: receive.keys,
    sendConfirmation: send.confirmation,
    receiveConfirmation: receive.confirmation,
    ratchet: { self: self.ephemeral, peer: peer.ephemeral },
  };
}
