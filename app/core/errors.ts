/**
 * Domain errors of the protocol and crypto core. Callers handle these; misuse (wrong argument
 * types or shapes) throws the built-in `TypeError` / `RangeError` instead.
 *
 * Messages are in the "Cannot X: Y" voice and never carry keys, secrets or plaintext.
 * @module
 */

/** Thrown when a peer's public key cannot be used for ECDH (RFC 7748 section 6.1, SEC 1 3.2.2). */
export class KeyAgreementError extends Error {
  override name = "KeyAgreementError";
}

/** Why a frame was refused (or could not be sealed). */
export type FrameErrorReason =
  /** Shorter than a header plus an authentication tag, or a damaged header. */
  | "truncated"
  /** Longer than a header, the maximum plaintext and a tag. */
  | "oversized"
  /** A protocol version this implementation does not speak. */
  | "version"
  /** A sequence number that was already accepted. */
  | "replayed"
  /** A sequence number older than the newest accepted one (arrived late). */
  | "reordered"
  /** An epoch older than the current one, or too far ahead to be honest. */
  | "epoch"
  /** Authentication failed: the frame was altered or sealed under another key or context. */
  | "tampered"
  /** Sender side: the 64-bit sequence counter or the 32-bit epoch would wrap. */
  | "exhausted";

/** Thrown by a channel when a frame is refused. The channel's state is unchanged. */
export class FrameError extends Error {
  override name = "FrameError";
  /** Machine-readable reason. */
  readonly reason: FrameErrorReason;

  /**
   * @param reason Why the frame was refused.
   * @param message One sentence in the "Cannot X: Y" voice.
   */
  constructor(reason: FrameErrorReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** Thrown when key confirmation fails: the peer derived other keys, or sent something else. */
export class ConfirmationError extends Error {
  override name = "ConfirmationError";
}

/** Thrown when a decrypted application message is not a valid message. */
export class MessageError extends Error {
  override name = "MessageError";
}
