/**
 * The encrypted frame format of Mesh3 v2 (docs/CRYPTO.md section 5): a 13-byte header, in
 * epochs after 0 the DH step that opened the epoch (ratchet.ts), then the AES-256-GCM ciphertext
 * and 16-byte tag (NIST SP 800-38D section 7.1).
 *
 * ```
 * frame  = version (u8 = 2) || epoch (u32 BE) || sequence (u64 BE) || [step] || ciphertext || tag
 * step   = flags (u8) || peer epoch (u32 BE) || u8 len || share (32 or 65)    only when epoch > 0
 * IV     = direction (u32 BE) || sequence (u64 BE)                 96 bits, SP 800-38D 8.2.1
 * AAD    = header (13) || [step] || direction (u32 BE) || room id (32 bytes)
 * ```
 * Every frame of an epoch after 0 repeats its step, so a lost first frame costs nothing.
 *
 * The IV is the deterministic construction of SP 800-38D section 8.2.1: the direction is the
 * fixed field and the sequence number the invocation field. Each direction has its own keys and a
 * counter that never repeats, so no (key, IV) pair is ever used twice (section 8.3 limits the
 * invocations per key; the channel rekeys every 2^20 frames, far inside them).
 *
 * Stateless: ordering and epochs are the channel's job (channel.ts).
 * @module
 */
import { FrameError } from "./errors.ts";

/** The protocol version byte of every frame. */
export const PROTOCOL_VERSION = 2;
/** Header length: version (1) + epoch (4) + sequence (8). */
export const HEADER_LENGTH = 13;
/** AES-GCM authentication tag length in bytes (128 bits, SP 800-38D section 5.2.1.2). */
export const TAG_LENGTH = 16;
/** Largest plaintext one frame may carry: 64 KiB. */
export const MAX_PLAINTEXT_LENGTH = 64 * 1024;
/** Longest DH step: flags (1) + peer epoch (4) + length (1) + a P-256 share (65). */
export const MAX_STEP_LENGTH = 71;
/** Largest valid frame. */
export const MAX_FRAME_LENGTH = HEADER_LENGTH + MAX_STEP_LENGTH + MAX_PLAINTEXT_LENGTH + TAG_LENGTH;
/** Largest sequence number; the counter refuses to go past it instead of wrapping. */
export const MAX_SEQUENCE = 0xffff_ffff_ffff_ffffn;

/** The IV's fixed field: which party sends (parties ordered by address, transcript.ts). */
export type Direction = 1 | 2;
/** Frames sent by the party with the lower address. */
export const DIRECTION_LOW_TO_HIGH: Direction = 1;
/** Frames sent by the party with the higher address. */
export const DIRECTION_HIGH_TO_LOW: Direction = 2;

/** A parsed frame header. */
export interface FrameHeader {
  version: number;
  epoch: number;
  sequence: bigint;
  /** The DH step bytes (epochs after 0), as in the frame; empty in epoch 0. */
  step: Uint8Array;
}

/** What a frame key is bound to (besides the header). */
export interface FrameContext {
  /** AES-256-GCM key of this direction and epoch. */
  key: CryptoKey;
  /** The room id, 32 bytes. */
  roomId: Uint8Array;
  /** The sender's direction. */
  direction: Direction;
}

const subtle = globalThis.crypto.subtle;
const EMPTY = new Uint8Array(0);

/**
 * The 96-bit IV for a direction and sequence number.
 *
 * @throws {RangeError} If the sequence is outside 0..2^64-1.
 *
 * @example
 * ```ts
 * frameIv(DIRECTION_LOW_TO_HIGH, 5n); // 00000001 0000000000000005
 * ```
 */
export function frameIv(direction: Direction, sequence: bigint): Uint8Array<ArrayBuffer> {
  if (sequence < 0n || sequence > MAX_SEQUENCE) {
    throw new RangeError("Cannot build IV: sequence is outside 64 bits");
  }
  const iv = new Uint8Array(12);
  const view = new DataView(iv.buffer);
  view.setUint32(0, direction);
  view.setBigUint64(4, sequence);
  return iv;
}

/** Writes a header into `out` (at least 13 bytes). */
function writeHeader(out: Uint8Array, epoch: number, sequence: bigint): void {
  const view = new DataView(out.buffer, out.byteOffset, HEADER_LENGTH);
  view.setUint8(0, PROTOCOL_VERSION);
  view.setUint32(1, epoch);
  view.setBigUint64(5, sequence);
}

/**
 * The associated data of a frame: header || step || direction || room id.
 *
 * @param frame The frame (or at least its header and step).
 * @param direction The sender's direction.
 * @param roomId The room id, 32 bytes.
 * @param stepLength Length of the frame's DH step (0 in epoch 0).
 * @returns 49 bytes plus the step.
 *
 * @example
 * ```ts
 * const header = Uint8Array.of(2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5); // epoch 0, sequence 5
 * const aad = frameAad(header, DIRECTION_LOW_TO_HIGH, new Uint8Array(32));
 * aad.length; // 49: header || 00000001 || room id
 * ```
 */
export function frameAad(
  frame: Uint8Array,
  direction: Direction,
  roomId: Uint8Array,
  stepLength = 0,
): Uint8Array<ArrayBuffer> {
  const prefix = HEADER_LENGTH + stepLength;
  const aad = new Uint8Array(prefix + 4 + roomId.length);
  aad.set(frame.subarray(0, prefix));
  new DataView(aad.buffer).setUint32(prefix, direction);
  aad.set(roomId, prefix + 4);
  return aad;
}

/**
 * Reads and checks a frame's header (length and version; not authenticity).
 *
 * @param frame A received frame.
 * @returns Its version, epoch and sequence number.
 * @throws {FrameError} "truncated", "oversized" or "version".
 *
 * @example
 * ```ts
 * const aes = { name: "AES-GCM", length: 256 };
 * const key = await crypto.subtle.generateKey(aes, false, ["encrypt"]);
 * const context = { key, roomId: new Uint8Array(32), direction: DIRECTION_LOW_TO_HIGH } as const;
 * const frame = await sealFrame(context, 0, 7n, new TextEncoder().encode("hi"));
 * const { epoch, sequence } = parseHeader(frame); // 0, 7n
 * ```
 */
export function parseHeader(frame: Uint8Array): FrameHeader {
  if (!(frame instanceof Uint8Array) || frame.length < HEADER_LENGTH + TAG_LENGTH) {
    throw new FrameError("truncated", "Cannot open frame: shorter than a header and a tag");
  }
  if (frame.length > MAX_FRAME_LENGTH) {
    throw new FrameError("oversized", "Cannot open frame: longer than the maximum frame");
  }
  const view = new DataView(frame.buffer, frame.byteOffset, HEADER_LENGTH);
  const version = view.getUint8(0);
  if (version !== PROTOCOL_VERSION) {
    throw new FrameError("version", `Cannot open frame: unknown protocol version ${version}`);
  }
  const epoch = view.getUint32(1), sequence = view.getBigUint64(5);
  if (epoch === 0) return { version, epoch, sequence, step: EMPTY };
  // flags (1) || peer epoch (4) || share length (1) || share
  const shareLength = frame[HEADER_LENGTH + 5];
  const stepLength = 6 + shareLength;
  if (
    (shareLength !== 32 && shareLength !== 65) ||
    frame.length < HEADER_LENGTH + stepLength + TAG_LENGTH
  ) {
    throw new FrameError("truncated", "Cannot open frame: its DH step is damaged");
  }
  return {
    version,
    epoch,
    sequence,
    step: frame.subarray(HEADER_LENGTH, HEADER_LENGTH + stepLength),
  };
}

/**
 * Seals one frame: one AES-GCM encryption, one copy into the output.
 *
 * @param context Key, room and direction.
 * @param epoch Epoch number of `context.key`.
 * @param sequence This frame's sequence number (never reused with this direction's keys).
 * @param plaintext At most {@link MAX_PLAINTEXT_LENGTH} bytes.
 * @param step The encoded DH step of the epoch (ratchet.ts); required after epoch 0, absent in it.
 * @returns header || step || ciphertext || tag.
 * @throws {FrameError} "oversized" if the plaintext is too long.
 * @throws {TypeError} If a step is given in epoch 0 or missing after it.
 *
 * @example
 * ```ts
 * const aes = { name: "AES-GCM", length: 256 };
 * const key = await crypto.subtle.generateKey(aes, false, ["encrypt"]);
 * const context = { key, roomId: new Uint8Array(32), direction: DIRECTION_LOW_TO_HIGH } as const;
 * const frame = await sealFrame(context, 0, 0n, Uint8Array.of(1));
 * frame.length; // 30: 13-byte header, 1 byte of ciphertext, 16-byte tag
 * ```
 */
export async function sealFrame(
  context: FrameContext,
  epoch: number,
  sequence: bigint,
  plaintext: Uint8Array,
  step: Uint8Array = EMPTY,
): Promise<Uint8Array> {
  if ((epoch === 0) !== (step.length === 0) || step.length > MAX_STEP_LENGTH) {
    throw new TypeError("Cannot seal frame: epochs after 0, and only they, carry their DH step");
  }
  if (plaintext.length > MAX_PLAINTEXT_LENGTH) {
    throw new FrameError(
      "oversized",
      `Cannot seal frame: plaintext is ${plaintext.length} bytes, the maximum is ${MAX_PLAINTEXT_LENGTH}`,
    );
  }
  const prefix = HEADER_LENGTH + step.length;
  const header = new Uint8Array(prefix);
  writeHeader(header, epoch, sequence);
  header.set(step, HEADER_LENGTH);
  const sealed = await subtle.encrypt(
    {
      name: "AES-GCM",
      iv: frameIv(context.direction, sequence),
      additionalData: frameAad(header, context.direction, context.roomId, step.length),
      tagLength: TAG_LENGTH * 8,
    },
    context.key,
    plaintext as BufferSource,
  );
  const frame = new Uint8Array(prefix + sealed.byteLength);
  frame.set(header);
  frame.set(new Uint8Array(sealed), prefix);
  return frame;
}

/**
 * Opens one frame whose header was already parsed: one AES-GCM decryption, no copy of the input.
 *
 * @param context Key, room and direction the frame must have been sealed with.
 * @param frame The whole frame.
 * @param header Its parsed header (from {@link parseHeader}).
 * @returns The plaintext.
 * @throws {FrameError} "tampered" if authentication fails.
 *
 * @example
 * ```ts
 * const usages: KeyUsage[] = ["encrypt", "decrypt"];
 * const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, usages);
 * const context = { key, roomId: new Uint8Array(32), direction: DIRECTION_HIGH_TO_LOW } as const;
 * const frame = await sealFrame(context, 0, 1n, new TextEncoder().encode("hi"));
 * const plaintext = await openFrame(context, frame, parseHeader(frame));
 * new TextDecoder().decode(plaintext); // "hi"
 * ```
 */
export async function openFrame(
  context: FrameContext,
  frame: Uint8Array,
  header: FrameHeader,
): Promise<Uint8Array> {
  try {
    return new Uint8Array(
      await subtle.decrypt(
        {
          name: "AES-GCM",
          iv: frameIv(context.direction, header.sequence),
          additionalData: frameAad(frame, context.direction, context.roomId, header.step.length),
          tagLength: TAG_LENGTH * 8,
        },
        context.key,
        frame.subarray(HEADER_LENGTH + header.step.length) as BufferSource,
      ),
    );
  } catch {
    throw new FrameError("tampered", "Cannot open frame: authentication failed");
  }
}
