/**
 * In-memory pairs for call engine tests: two ends of a DataChannel-like channel (messages cross
 * in a microtask; `tap` may alter them) and matching sub-channel keys for both sides (real
 * non-extractable AES-256-GCM keys, our send key being the peer's receive key).
 *
 * @example
 * ```ts ignore
 * const [a, b] = channelPair();
 * const [ka, kb] = await subKeyPair();
 * ```
 * @module
 */
import type { SubChannelKeys } from "../app/core/sub_keys.ts";

/** One end of an in-memory channel. */
export class ChannelEnd extends EventTarget {
  readyState: RTCDataChannelState = "open";
  other!: ChannelEnd;
  /** Sees (and may change) every message this end sends. */
  tap = (b: Uint8Array): Uint8Array => b;
  send(data: Uint8Array): void {
    const bytes = this.tap(data.slice());
    queueMicrotask(() =>
      this.other.dispatchEvent(new MessageEvent("message", { data: bytes.buffer }))
    );
  }
  close(): void {
    if (this.readyState === "closed") return;
    this.readyState = "closed";
    this.dispatchEvent(new Event("close"));
    this.other.close();
  }
}

/** Two connected ends. */
export function channelPair(): [ChannelEnd, ChannelEnd] {
  const a = new ChannelEnd();
  const b = new ChannelEnd();
  a.other = b;
  b.other = a;
  return [a, b];
}

/** Sub-channel keys for the two sides of one connection. */
export async function subKeyPair(label = "calls"): Promise<[SubChannelKeys, SubChannelKeys]> {
  const make = () =>
    crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  const [k1, k2] = [await make(), await make()];
  const roomId = new Uint8Array(32).fill(7);
  return [
    { label, roomId, send: { direction: 1, key: k1 }, receive: { direction: 2, key: k2 } },
    { label, roomId, send: { direction: 2, key: k2 }, receive: { direction: 1, key: k1 } },
  ];
}
