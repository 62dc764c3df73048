/**
 * The public face of Mesh3's protocol and crypto core: pure, browser-safe (WebCrypto and viem
 * utilities only), the same in Deno and in browsers. See docs/CRYPTO.md for the exact formats.
 *
 * @example
 * ```ts
 * import { memoryTransportPair } from "../../testing/memory_transport.ts";
 * const roomId = `0x${"ab".repeat(32)}` as const;
 * const alice = {
 *   address: "0x1111111111111111111111111111111111111111",
 *   fingerprint: new Uint8Array(32).fill(1),
 * } as const;
 * const bob = {
 *   address: "0x2222222222222222222222222222222222222222",
 *   fingerprint: new Uint8Array(32).fill(2),
 * } as const;
 * // Each side: a fresh ECDH and ML-KEM-768 key pair (committed on chain with the fingerprint).
 * const [ka, kb] = [await generateEcdhKeyPair(), await generateEcdhKeyPair()];
 * const [qa, qb] = [await generateKemKeyPair(), await generateKemKeyPair()];
 * const me = { ...alice, publicKey: ka.publicKey, kemKey: qa.publicKey };
 * const peer = { ...bob, publicKey: kb.publicKey, kemKey: qb.publicKey };
 * // Session keys (the transcript); then the hybrid handshake over the verified channel.
 * const [sa, sb] = await Promise.all([
 *   deriveSessionKeys({ roomId, keyPair: ka, kemKeyPair: qa, self: alice, peer }),
 *   deriveSessionKeys({ roomId, keyPair: kb, kemKeyPair: qb, self: bob, peer: me }),
 * ]);
 * const [ta, tb] = memoryTransportPair(); // a DataChannel in the browser
 * const [a, b] = await Promise.all([
 *   handshake({ keys: sa, transport: ta }),
 *   handshake({ keys: sb, transport: tb }),
 * ]);
 * const roster = await rosterHash(roomId, [ // the members each side sees (docs/CRYPTO.md 7c)
 *   { address: alice.address, commitment: `0x${"11".repeat(32)}` },
 *   { address: bob.address, commitment: `0x${"22".repeat(32)}` },
 * ]);
 * const frame = await a.seal(encodeChatMessage({ type: "text", id: "m1", text: "hi", sentAt: 1, roster }));
 * parseChatMessage(await b.open(frame)); // { type: "text", id: "m1", text: "hi", sentAt: 1, roster }
 * await computeSafetyNumber(me, peer) === await computeSafetyNumber(peer, me); // true
 * ```
 * @module
 */
export {
  type CommitmentInput,
  commitmentMatches,
  computeCommitment,
  kemKeyHash,
  storedCommitment,
} from "./commitment.ts";
export {
  fingerprintFromSdp,
  formatFingerprint,
  parseFingerprint,
  SdpFingerprintError,
} from "./sdp.ts";
export {
  ConfirmationError,
  FrameError,
  type FrameErrorReason,
  KeyAgreementError,
  MessageError,
} from "./errors.ts";
export {
  curveOfPublicKey,
  deriveSharedSecret,
  type EcdhCurve,
  type EcdhKeyPair,
  generateEcdhKeyPair,
  importPeerPublicKey,
  PUBLIC_KEY_LENGTH,
  supportsX25519,
} from "./ecdh.ts";
export { buildTranscript, type Party, PROTOCOL_TAG, type Transcript } from "./transcript.ts";
export {
  type ConnectionKeys,
  deriveConnectionKeys,
  deriveSessionKeys,
  type DeriveSessionKeysParameters,
  type EpochKeys,
  type HelloSecrets,
  NONCE_LENGTH,
  type SessionKeys,
} from "./key_schedule.ts";
export {
  type Direction,
  DIRECTION_HIGH_TO_LOW,
  DIRECTION_LOW_TO_HIGH,
  MAX_PLAINTEXT_LENGTH,
  PROTOCOL_VERSION,
} from "./frame.ts";
export {
  type Channel,
  type ChannelOptions,
  type ChannelState,
  createChannel,
  MAX_HELD_SHARES,
  REKEY_AFTER_FRAMES,
  REKEY_AFTER_MS,
} from "./channel.ts";
export {
  CONFIRMATION_TIMEOUT_MS,
  encodeHello,
  type FrameTransport,
  handshake,
  type HandshakeOptions,
  type Hello,
  HELLO_MAGIC,
  helloLength,
  makeHello,
  parseHello,
} from "./handshake.ts";
export {
  type ByeMessage,
  type ChatMessage,
  encodeChatMessage,
  MAX_TEXT_LENGTH,
  parseChatMessage,
  type ReceiptMessage,
  type TextMessage,
} from "./message.ts";
export {
  computeSafetyNumber,
  SAFETY_NUMBER_ITERATIONS,
  SafetyNumberHalves,
} from "./safety_number.ts";
export {
  groupMessageHash,
  type GroupMessageInput,
  LABEL_GROUP_MESSAGE,
  LABEL_ROSTER,
  MAX_ROSTER_MEMBERS,
  rosterHash,
  type RosterMember,
} from "./group.ts";
export {
  deriveSubChannelKeys,
  LABEL_SUB_CHANNEL,
  type SubChannelKey,
  type SubChannelKeys,
} from "./sub_keys.ts";
export {
  CHUNK_OVERHEAD,
  createFileCipher,
  FILE_ID_LENGTH,
  type FileCipher,
  MAX_FILE_FRAME_LENGTH,
  type OpenedFileFrame,
} from "./file_frame.ts";
export {
  type CancelReason,
  type DeclineReason,
  encodeFileMessage,
  type FileMessage,
  MAX_CHUNK_SIZE,
  MAX_FILE_NAME_LENGTH,
  parseFileMessage,
} from "./file_message.ts";
export { chunkDigest, DIGEST_LENGTH, fileTreeRoot, LABEL_FILE_TREE } from "./file_tree.ts";
export {
  encapsulate,
  type Encapsulation,
  generateKemKeyPair,
  KEM_CIPHERTEXT_LENGTH,
  KEM_PUBLIC_KEY_LENGTH,
  type KemKeyPair,
  supportsWebCryptoKem,
  webCryptoKemKeyPair,
} from "./kem.ts";
export {
  encodeStep,
  LABEL_RATCHET,
  parseStep,
  ratchetDh,
  ratchetEpochKeys,
  type RatchetStep,
} from "./ratchet.ts";
