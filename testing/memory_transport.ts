/**
 * An in-memory, in-order frame transport pair (like trystero's test queues), so the handshake
 * and channel can be tested without a network. Also usable by other layers' tests.
 * @module
 */
import type { FrameTransport } from "../app/core/handshake.ts";

/** One end of a memory pair, with a way to end it. */
export interface MemoryTransport extends FrameTransport {
  /** Ends the pair: pending and later `receive` calls on both sides reject. */
  close(): void;
}

/** Options of {@link memoryTransportPair}. */
export interface MemoryTransportOptions {
  /**
   * Sees every frame on its way (`from` is 0 or 1) and may return it changed, or null to drop it.
   * Tests use it as an attacker in the middle.
   */
  intercept?: (frame: Uint8Array, from: 0 | 1) => Uint8Array | null;
}

class Queue {
  #items: Uint8Array[] = [];
  #waiting: { resolve: (f: Uint8Array) => void; reject: (e: Error) => void }[] = [];
  #closed = false;

  push(frame: Uint8Array): void {
    if (this.#closed) return;
    const waiter = this.#waiting.shift();
    if (waiter) waiter.resolve(frame);
    else this.#items.push(frame);
  }

  pull(): Promise<Uint8Array> {
    const item = this.#items.shift();
    if (item) return Promise.resolve(item);
    if (this.#closed) return Promise.reject(new Error("Cannot receive: the transport is closed"));
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  close(): void {
    this.#closed = true;
    for (const w of this.#waiting.splice(0)) {
      w.reject(new Error("Cannot receive: the transport is closed"));
    }
  }
}

/**
 * Makes two connected transports: what one sends, the other receives, in order.
 *
 * @param options An optional interceptor.
 * @returns The two ends.
 *
 * @example
 * ```ts
 * const [a, b] = memoryTransportPair();
 * await a.send(Uint8Array.of(1));
 * await b.receive(); // Uint8Array [1]
 * ```
 */
export function memoryTransportPair(
  options: MemoryTransportOptions = {},
): [MemoryTransport, MemoryTransport] {
  const queues = [new Queue(), new Queue()]; // queues[i]: frames for side i
  const end = (side: 0 | 1): MemoryTransport => ({
    send(frame) {
      const out = options.intercept ? options.intercept(frame, side) : frame;
      if (out) queues[1 - side].push(out);
    },
    receive: () => queues[side].pull(),
    close() {
      queues[1 - side].close();
      queues[side].close();
    },
  });
  return [end(0), end(1)];
}
