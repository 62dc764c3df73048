/**
 * Frames for members on another instance, as they travel over Redis: the sending instance (which
 * checked each frame) builds the recipient's WebSocket text frame once, and every frame for one
 * instance in one turn of the event loop goes out as one `PUBLISH` on that instance's channel: a
 * batch of records `room id (66 ASCII bytes) · member key (42) · frame length (u32, big-endian) ·
 * frame`. The receiving instance reads the route from each record and writes the frame's bytes to
 * the member's socket as they came, with no decode and no re-encode (`Peer.sendFrame` still
 * checks that they are exactly one text frame and applies the socket's send cap).
 * @module
 */
import { Buffer } from "node:buffer";
import { setImmediate } from "node:timers";
import type { Hex } from "viem";
import { textFrame } from "../signaling/text_frame.ts";

const ROOM_ID = 66, KEY = 42, LENGTH = 4;
/** Bytes before each record's frame. */
export const RECORD_HEAD = ROOM_ID + KEY + LENGTH;

/** One frame for one member. */
export interface InstanceFrame {
  roomId: Hex;
  key: string;
  frame: Uint8Array;
}

/**
 * Packs frames into one batch.
 *
 * @param frames Room ids (`0x` + 64 hex digits), member keys (`0x` + 40, lower case), frames.
 * @returns The batch.
 *
 * @example
 * ```ts
 * import { textFrame } from "../signaling/text_frame.ts";
 * const batch = packFrames([{ roomId: `0x${"ab".repeat(32)}`, key: `0x${"cd".repeat(20)}`, frame: textFrame("{}") }]);
 * batch.length; // 112 + 4
 * ```
 */
export function packFrames(frames: readonly InstanceFrame[]): Buffer {
  let size = 0;
  for (const f of frames) size += RECORD_HEAD + f.frame.length;
  const batch = Buffer.allocUnsafe(size);
  let at = 0;
  for (const { roomId, key, frame } of frames) {
    if (roomId.length !== ROOM_ID || key.length !== KEY) {
      throw new RangeError(`Cannot pack a frame: bad route ${roomId} ${key}`);
    }
    batch.write(roomId, at, ROOM_ID, "latin1");
    batch.write(key, at + ROOM_ID, KEY, "latin1");
    batch.writeUInt32BE(frame.length, at + ROOM_ID + KEY);
    batch.set(frame, at + RECORD_HEAD);
    at += RECORD_HEAD + frame.length;
  }
  return batch;
}

/**
 * Reads a batch record by record.
 *
 * @param batch A batch from {@linkcode packFrames}.
 * @param each Called with each record's route and frame (a view into `batch`).
 * @returns Whether the whole batch was well formed (a record cut short ends the reading).
 *
 * @example
 * ```ts ignore
 * unpackFrames(batch, (roomId, key, frame) => rooms.room(roomId)?.member(key)?.sendFrame(frame));
 * ```
 */
export function unpackFrames(
  batch: Buffer,
  each: (roomId: Hex, key: string, frame: Uint8Array) => void,
): boolean {
  let at = 0;
  while (at < batch.length) {
    if (batch.length - at < RECORD_HEAD) return false;
    const end = at + RECORD_HEAD + batch.readUInt32BE(at + ROOM_ID + KEY);
    if (end > batch.length) return false;
    each(
      batch.toString("latin1", at, at + ROOM_ID) as Hex,
      batch.toString("latin1", at + ROOM_ID, at + ROOM_ID + KEY),
      batch.subarray(at + RECORD_HEAD, end),
    );
    at = end;
  }
  return true;
}

/**
 * Collects the frames of one turn per instance and publishes each instance's batch once, at the
 * end of the turn (or at once with {@linkcode InstanceOutbox.flush}, which the room state calls
 * before a membership change so the two keep their order).
 *
 * @example
 * ```ts ignore
 * const out = new InstanceOutbox((instance, batch) => redis.publish(`mesh3:i:${instance}`, batch));
 * out.add("5f1c0a2e9b7d3c41", roomId, key, '{"v":1,"type":"ice",...}');
 * ```
 */
export class InstanceOutbox {
  #publish: (instance: string, batch: Buffer) => void;
  #pending = new Map<string, InstanceFrame[]>();
  #scheduled = false;

  constructor(publish: (instance: string, batch: Buffer) => void) {
    this.#publish = publish;
  }

  /** Queues a frame for a member on `instance`. */
  add(instance: string, roomId: Hex, key: string, text: string): void {
    const frame = { roomId, key, frame: textFrame(text) };
    const list = this.#pending.get(instance);
    if (list) list.push(frame);
    else this.#pending.set(instance, [frame]);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Publishes what is queued. */
  flush(): void {
    this.#scheduled = false;
    if (this.#pending.size === 0) return;
    const pending = this.#pending;
    this.#pending = new Map();
    for (const [instance, frames] of pending) this.#publish(instance, packFrames(frames));
  }
}
