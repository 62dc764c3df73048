/**
 * The public face of Mesh3's protocol and crypto core: pure, browser-safe (WebCrypto and viem
 * utilities only), the same in Deno and in browsers. See docs/CRYPTO.md for the exact formats.
 *
 * ```ts
 * const keyPair = await generateEcdhKeyPair();
 * const keys = await deriveSessionKeys({ roomId, keyPair, self: { address, fingerprint }, peer });
 * const channel = await handshake({ keys, transport });
 * const frame = await channel.seal(encodeChatMessage({ type: "text", id, text, sentAt: Date.now() }));
 * const message = parseChatMessage(await channel.open(incoming));
 * const code = await computeSafetyNumber(me, peer);
 * ```
 * @module
 */
export {
  type CommitmentInput,
  commitmentMatches,
  computeCommitment,
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
  nextEpochKeys,
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
  MAX_EPOCH_SKIP,
  REKEY_AFTER_FRAMES,
  REKEY_AFTER_MS,
} from "./channel.ts";
export {
  CONFIRMATION_TIMEOUT_MS,
  encodeHello,
  type FrameTransport,
  handshake,
  type HandshakeOptions,
  HELLO_LENGTH,
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
export { computeSafetyNumber, SAFETY_NUMBER_ITERATIONS } from "./safety_number.ts";
