/**
 * Frames of the file sub-channel (docs/CRYPTO.md section 7a): control messages and file chunks,
 * each sealed with AES-256-GCM under the sub-channel's keys (sub_keys.ts). A chunk's file id and
 * index are in the header, so in the associated data: a chunk cannot be moved to another file or
 * position without failing authentication.
 *
 * ```
 * control = 0x21 || u64 sequence                                    || ciphertext || tag (16)
 * chunk   = 0x22 || u64 sequence || file id (16) || u64 chunk index  || ciphertext || tag (16)
 * IV      = u32 direction || u64 sequence                           (SP 800-38D 8.2.1)
 * AAD     = header || u32 direction || room id (32)
 * ```
 *
 * Sequence numbers count from 0 per direction and connection and are taken when sealing starts,
 * so seals can run concurrently (the sender must send frames in sequence order). The receiver
 * accepts only the next sequence number: an ordered, reliable DataChannel never skips, repeats
 * or reorders, and any refused frame ends the sub-channel (so the order check can run before
 * authentication and opens can be pipelined too).
 * @module
 */
import { FrameError } from "./errors.ts";
import type { SubChannelKeys } from "./sub_keys.ts";

/** First byte of a control frame. */
export const FILE_KIND_CONTROL = 0x21;
/** First byte of a chunk frame. */
export const FILE_KIND_CHUNK = 0x22;
/** Length of a file id. */
export const FILE_ID_LENGTH = 16;
/** Largest file frame: 256 KiB (what Chromium's SCTP takes in one message). */
export const MAX_FILE_FRAME_LENGTH = 256 * 1024;
const TAG = 16;
const CONTROL_HEADER = 9;
const CHUNK_HEADER = 9 + FILE_ID_LENGTH + 8;
/** Bytes a chunk frame adds to its plaintext (header and tag). */
export const CHUNK_OVERHEAD = CHUNK_HEADER + TAG;
/** Largest control plaintext. */
export const MAX_CONTROL_LENGTH = 16 * 1024;
/** Frames one direction of one connection may seal (4 TiB of 256 KiB chunks). */
export const MAX_FILE_FRAMES = 2 ** 24;

/** An opened file frame. */
export type OpenedFileFrame =
  | { kind: "control"; plaintext: Uint8Array }
  | { kind: "chunk"; fileId: Uint8Array; index: number; plaintext: Uint8Array };

/** Seals and opens one connection's file frames. */
export interface FileCipher {
  /** Seals a control message (at most {@link MAX_CONTROL_LENGTH} bytes). */
  sealControl(plaintext: Uint8Array): Promise<Uint8Array>;
  /** Seals chunk `index` of file `fileId`. */
  sealChunk(fileId: Uint8Array, index: number, plaintext: Uint8Array): Promise<Uint8Array>;
  /** Opens the peer's next frame, or throws {@link FrameError}. */
  open(frame: Uint8Array): Promise<OpenedFileFrame>;
  /**
   * Gives back a frame this cipher sealed once it was sent (a DataChannel copies what `send` is
   * given): a later seal of the same length fills it instead of a fresh zero-filled frame. The
   * caller must not read or send it again.
   */
  recycle(frame: Uint8Array): void;
}

/** Sent frames a cipher keeps for reuse. */
const SPARE_FRAMES = 4;

const subtle = globalThis.crypto.subtle;

function iv(direction: number, sequence: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(12);
  const view = new DataView(out.buffer);
  view.setUint32(0, direction);
  view.setBigUint64(4, BigInt(sequence));
  return out;
}

function aad(header: Uint8Array, direction: number, roomId: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(header.length + 4 + roomId.length);
  out.set(header);
  new DataView(out.buffer).setUint32(header.length, direction);
  out.set(roomId, header.length + 4);
  return out;
}

/**
 * Creates the file cipher of one connection.
 *
 * @param keys The connection's "files" sub-channel keys.
 * @returns The cipher; use one per connection.
 *
 * @example
 * ```ts ignore
 * const cipher = createFileCipher(await deriveSubChannelKeys(connection, "files"));
 * dc.send(await cipher.sealChunk(fileId, 0, bytes));
 * ```
 */
export function createFileCipher(keys: SubChannelKeys): FileCipher {
  let sendNext = 0;
  let receiveNext = 0;
  const { roomId } = keys;
  const spare: Uint8Array[] = [];

  async function seal(header: Uint8Array, sequence: number, plaintext: Uint8Array) {
    const sealed = await subtle.encrypt(
      {
        name: "AES-GCM",
        iv: iv(keys.send.direction, sequence),
        additionalData: aad(header, keys.send.direction, roomId),
      },
      keys.send.key,
      plaintext as BufferSource,
    );
    const length = header.length + sealed.byteLength;
    const reused = spare.findIndex((f) => f.length === length);
    const frame = reused >= 0 ? spare.splice(reused, 1)[0] : new Uint8Array(length);
    frame.set(header);
    frame.set(new Uint8Array(sealed), header.length);
    return frame;
  }

  function take(kind: number, length: number): { header: Uint8Array; sequence: number } {
    if (sendNext >= MAX_FILE_FRAMES) {
      throw new FrameError("exhausted", "Cannot seal file frame: this connection's key is used up");
    }
    const header = new Uint8Array(length);
    header[0] = kind;
    new DataView(header.buffer).setBigUint64(1, BigInt(sendNext));
    return { header, sequence: sendNext++ };
  }

  return {
    recycle(frame) {
      const whole = frame.byteOffset === 0 && frame.byteLength === frame.buffer.byteLength;
      if (whole && spare.length < SPARE_FRAMES && !spare.includes(frame)) spare.push(frame);
    },
    sealControl(plaintext) {
      if (plaintext.length > MAX_CONTROL_LENGTH) {
        return Promise.reject(new RangeError("Cannot seal control message: over 16 KiB"));
      }
      const { header, sequence } = take(FILE_KIND_CONTROL, CONTROL_HEADER);
      return seal(header, sequence, plaintext);
    },
    sealChunk(fileId, index, plaintext) {
      if (fileId.length !== FILE_ID_LENGTH || !Number.isSafeInteger(index) || index < 0) {
        return Promise.reject(new TypeError("Cannot seal chunk: bad file id or index"));
      }
      if (plaintext.length + CHUNK_OVERHEAD > MAX_FILE_FRAME_LENGTH) {
        return Promise.reject(new RangeError("Cannot seal chunk: larger than a file frame"));
      }
      const { header, sequence } = take(FILE_KIND_CHUNK, CHUNK_HEADER);
      header.set(fileId, 9);
      new DataView(header.buffer).setBigUint64(9 + FILE_ID_LENGTH, BigInt(index));
      return seal(header, sequence, plaintext);
    },
    async open(frame) {
      const kind = frame[0];
      const headerLength = kind === FILE_KIND_CHUNK ? CHUNK_HEADER : CONTROL_HEADER;
      if (kind !== FILE_KIND_CHUNK && kind !== FILE_KIND_CONTROL) {
        throw new FrameError("version", "Cannot open file frame: unknown kind");
      }
      if (frame.length < headerLength + TAG) {
        throw new FrameError("truncated", "Cannot open file frame: shorter than header and tag");
      }
      if (frame.length > MAX_FILE_FRAME_LENGTH) {
        throw new FrameError("oversized", "Cannot open file frame: longer than 256 KiB");
      }
      const view = new DataView(frame.buffer, frame.byteOffset, headerLength);
      const sequence = view.getBigUint64(1);
      if (sequence !== BigInt(receiveNext)) {
        throw new FrameError(
          sequence < BigInt(receiveNext) ? "replayed" : "reordered",
          `Cannot open file frame: sequence ${sequence} is not the next (${receiveNext})`,
        );
      }
      receiveNext++;
      const header = frame.subarray(0, headerLength);
      let plaintext: Uint8Array;
      try {
        plaintext = new Uint8Array(
          await subtle.decrypt(
            {
              name: "AES-GCM",
              iv: iv(keys.receive.direction, Number(sequence)),
              additionalData: aad(header, keys.receive.direction, roomId),
            },
            keys.receive.key,
            frame.subarray(headerLength) as BufferSource,
          ),
        );
      } catch {
        throw new FrameError("tampered", "Cannot open file frame: authentication failed");
      }
      if (kind === FILE_KIND_CONTROL) return { kind: "control", plaintext };
      const index = view.getBigUint64(9 + FILE_ID_LENGTH);
      if (index > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new FrameError("truncated", "Cannot open file frame: chunk index out of range");
      }
      return {
        kind: "chunk",
        fileId: frame.slice(9, 9 + FILE_ID_LENGTH),
        index: Number(index),
        plaintext,
      };
    },
  };
}
