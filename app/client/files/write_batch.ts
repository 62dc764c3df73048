/**
 * Fewer, larger disk writes: each write to a browser's file stream (`createWritable`) costs a copy
 * into a Blob and a round trip to the browser process, so a receiver that wrote every 255 KiB
 * chunk on its own spent about twice the browser CPU per MiB of one that writes 1 MiB at a
 * time. Bytes wait in memory until {@link WRITE_BATCH_BYTES} are there (at most one batch per
 * file), and the rest goes out on `flush`.
 * @module
 */

/** Bytes collected before one write. */
export const WRITE_BATCH_BYTES = 1024 * 1024;

/** A writer that collects bytes into batches. */
export interface BatchedWriter {
  /** Adds bytes; writes a batch once there is one (awaits that write). */
  write(bytes: Uint8Array): Promise<void>;
  /** Writes whatever is collected. */
  flush(): Promise<void>;
  /** Drops whatever is collected. */
  drop(): void;
}

/**
 * Batches writes to `write`.
 *
 * @param write The underlying write (called with one batch at a time, in order).
 * @param batch Bytes per batch.
 * @param alloc Gives the buffer parts are joined into (`size` bytes; default a new one).
 * @returns The batched writer.
 *
 * @example
 * ```ts
 * import { batchWrites } from "./write_batch.ts";
 * const sizes: number[] = [];
 * const w = batchWrites((b) => Promise.resolve(void sizes.push(b.length)), 4);
 * await w.write(new Uint8Array(3));
 * await w.write(new Uint8Array(3));
 * await w.flush();
 * sizes; // [6]
 * ```
 */
export function batchWrites(
  write: (bytes: Uint8Array) => Promise<void>,
  batch = WRITE_BATCH_BYTES,
  alloc: (size: number) => Uint8Array = (size) => new Uint8Array(size),
): BatchedWriter {
  let parts: Uint8Array[] = [];
  let held = 0;
  const out = async () => {
    if (held === 0) return;
    const all = parts.length === 1 ? parts[0] : alloc(held);
    if (parts.length > 1) {
      let at = 0;
      for (const p of parts) {
        all.set(p, at);
        at += p.length;
      }
    }
    parts = [];
    held = 0;
    await write(all);
  };
  return {
    write(bytes) {
      parts.push(bytes);
      held += bytes.length;
      return held >= batch ? out() : Promise.resolve();
    },
    flush: out,
    drop() {
      parts = [];
      held = 0;
    },
  };
}
