/**
 * A DataChannel as the core's in-order frame transport (`send` / `receive`).
 * @module
 */
import type { FrameTransport } from "../core/mod.ts";

/** Largest number of frames waiting to be read before the channel is considered abusive. */
const MAX_QUEUED = 1024;

/** A frame transport over a DataChannel, with `close()`. */
export interface DataChannelTransport extends FrameTransport {
  close(): void;
}

/**
 * Wraps a DataChannel (binaryType "arraybuffer") as a {@linkcode FrameTransport}.
 *
 * @param dc An open DataChannel.
 * @returns The transport; `receive()` rejects once the channel closes.
 *
 * @example
 * ```ts ignore
 * // A browser DataChannel.
 * const transport = dataChannelTransport(dc);
 * const channel = await handshake({ keys, transport });
 * ```
 */
export function dataChannelTransport(dc: RTCDataChannel): DataChannelTransport {
  const items: Uint8Array[] = [];
  const waiting: { resolve: (f: Uint8Array) => void; reject: (e: Error) => void }[] = [];
  let closed = false;
  const close = () => {
    closed = true;
    for (const w of waiting.splice(0)) w.reject(new Error("Cannot receive: the channel closed"));
  };
  dc.addEventListener("message", (event: MessageEvent) => {
    if (closed || !(event.data instanceof ArrayBuffer)) return;
    const frame = new Uint8Array(event.data);
    const waiter = waiting.shift();
    if (waiter) waiter.resolve(frame);
    else if (items.length < MAX_QUEUED) items.push(frame);
    else dc.close();
  });
  dc.addEventListener("close", close);
  return {
    send(frame) {
      if (dc.readyState !== "open") throw new Error("Cannot send: the channel is not open");
      dc.send(frame as Uint8Array<ArrayBuffer>);
    },
    receive() {
      const item = items.shift();
      if (item) return Promise.resolve(item);
      if (closed) return Promise.reject(new Error("Cannot receive: the channel closed"));
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    close,
  };
}
