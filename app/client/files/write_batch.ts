/**
 * Fewer, larger disk writes: each write to a browser's file stream (`createWritable`) costs a copy
 * into a Blob and a round trip to the browser process, so a receiver that wrote every 255 KiB
 * chunk on its own spent about twice the browser CPU per MiB of one that writes 1 MiB at a
 * time. Bytes wait in memory until {@link WRITE_BATCH_BYTES} are there (at most one batch per
 * file), and the rest goes out on `flush`. The writer takes the bytes over: each part is freed once
 * copied into its batch, and each batch once written (core/bytes.ts `releaseBytes`), so a
 * gigabyte leaves no trail of buffers for the collector.
 * @module
 */
import { releaseBytes } from "../../core/bytes.ts";

/** Bytes collected before one write. */
export const WRITE_BATCH_BYTES = 1024 * 1024;

/** A writer that collects bytes into batches. */
export interface BatchedWriter {
  /** Adds bytes (taken over: the caller must not use them after); writes a batch once full. */
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
): BatchedWriter {
  let parts: Uint8Array[] = [];
  let held = 0;
  const out = async () => {
    if (held === 0) return;
    const all = parts.length === 1 ? parts[0] : new Uint8Array(held);
    if (parts.length > 1) {
      let at = 0;
      for (const p of parts) {
        all.set(p, at);
        at += p.length;
        releaseBytes(p);
      }
    }
    parts = [];
    held = 0;
    await write(all);
    releaseBytes(all);
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
