/**
 * A file's chunks read from disk a block of several chunks at a time: in Chromium each
 * `Blob.slice` and `arrayBuffer()` is a call into the browser's blob system whose cost does not
 * depend much on the size, and read one 63 KiB chunk at a time they were 44 % of the sending
 * page's busy time (bench/README.md, benchmark 7, "reading the file in blocks"). The next block is
 * read while the current one is cut into chunks, so at most two blocks are held.
 * @module
 */

/** Bytes read from the file at once (whole chunks, at least one). */
export const READ_BLOCK_BYTES = 1024 * 1024;

/**
 * Chunks of a Blob, read in blocks.
 *
 * @example
 * ```ts
 * import { ChunkReader } from "./chunk_reader.ts";
 * const reader = new ChunkReader(new Blob(["abcdef"]), 4);
 * new TextDecoder().decode(await reader.chunk(1)); // "ef"
 * ```
 */
export class ChunkReader {
  readonly perBlock: number;
  #blocks = new Map<number, Promise<Uint8Array>>();

  /**
   * @param file The file (a File from disk stays on disk).
   * @param chunkSize Bytes per chunk (the last may be shorter).
   * @param blockBytes Bytes per read (rounded down to whole chunks, at least one).
   */
  constructor(
    readonly file: Blob,
    readonly chunkSize: number,
    blockBytes: number = READ_BLOCK_BYTES,
  ) {
    this.perBlock = Math.max(1, Math.floor(blockBytes / chunkSize));
  }

  /**
   * Chunk `index` (a view into its block). Reading the first chunk of a block drops the blocks
   * before it and starts reading the next one.
   *
   * @throws {ReadError} "Cannot read the file: …" when it changed or was removed since it was
   *   picked.
   */
  async chunk(index: number): Promise<Uint8Array> {
    const block = Math.floor(index / this.perBlock);
    for (const b of this.#blocks.keys()) if (b < block) this.#blocks.delete(b);
    const bytes = await this.#block(block);
    if (index % this.perBlock === 0) void this.#block(block + 1).catch(() => {});
    const at = (index % this.perBlock) * this.chunkSize;
    return bytes.subarray(at, at + this.chunkSize);
  }

  #block(block: number): Promise<Uint8Array> {
    let read = this.#blocks.get(block);
    if (!read) {
      const start = block * this.perBlock * this.chunkSize;
      read = start >= this.file.size && block > 0
        ? Promise.resolve(new Uint8Array(0))
        : readSlice(this.file, start, start + this.perBlock * this.chunkSize);
      this.#blocks.set(block, read);
    }
    return read;
  }
}

async function readSlice(file: Blob, start: number, end: number): Promise<Uint8Array> {
  try {
    return new Uint8Array(await file.slice(start, end).arrayBuffer());
  } catch {
    throw new ReadError("Cannot read the file: it was changed or removed since it was picked");
  }
}

/** The file could not be read. */
export class ReadError extends Error {
  override name = "ReadError";
}
