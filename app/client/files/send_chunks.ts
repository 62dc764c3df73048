/**
 * The sender's loop for one file to one peer: reads the file a block of chunks at a time
 * (chunk_reader.ts; the file is never read whole), starts each chunk's seal at once, and keeps a
 * few chunks being sealed while earlier ones wait for the channel; never more than {@link WINDOW_BYTES} beyond the receiver's
 * last acknowledgement, so the receiver never holds more than that in memory.
 * @module
 */
import { ChunkReader } from "./chunk_reader.ts";
import { type FileLink, WINDOW_BYTES } from "./file_link.ts";
import { chunkCount } from "./transfer_types.ts";

export { ReadError } from "./chunk_reader.ts";

/** Chunks read and sealed ahead of the channel. */
export const READ_AHEAD = 4;

/** Inputs of {@linkcode sendChunks}. */
export interface SendChunks {
  link: FileLink;
  id: string;
  file: Blob;
  chunkSize: number;
  /** First chunk to send (the receiver's last acknowledgement when resuming). */
  from: number;
  /** The receiver's acknowledged chunk count now. */
  acked(): number;
  /** Resolves at the next acknowledgement (or stop). */
  nextAck(): Promise<void>;
  signal: AbortSignal;
}

/**
 * Sends chunks `from`..end.
 *
 * @throws When stopped (`signal`), when the link closes, or "Cannot read the file: …" when the
 *   file cannot be read any more (changed or removed on disk).
 *
 * @example
 * ```ts ignore
 * await sendChunks({ link, id, file, chunkSize, from: 0, acked, nextAck, signal });
 * ```
 */
export async function sendChunks(o: SendChunks): Promise<void> {
  const count = chunkCount(o.file.size, o.chunkSize);
  const window = Math.max(1, Math.floor(WINDOW_BYTES / o.chunkSize));
  const sending: Promise<void>[] = [];
  const reader = new ChunkReader(o.file, o.chunkSize);
  try {
    for (let i = o.from; i < count; i++) {
      while (i >= o.acked() + window) {
        o.signal.throwIfAborted();
        await o.nextAck();
      }
      o.signal.throwIfAborted();
      const bytes = await reader.chunk(i);
      o.signal.throwIfAborted();
      const sent = o.link.sendChunk(o.id, i, bytes);
      sent.catch(() => {}); // Seen when awaited below; a later one may fail first.
      sending.push(sent);
      while (sending.length >= READ_AHEAD) await sending.shift();
    }
    await Promise.all(sending);
  } finally {
    sending.length = 0;
  }
}
