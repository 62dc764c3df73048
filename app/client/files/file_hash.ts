/**
 * The sender's hash of a file before it is offered: the root of its SHA-256 hash tree
 * (app/core/file_tree.ts), one native WebCrypto digest per chunk. The file is read a block of
 * chunks at a time (chunk_reader.ts; a File from disk stays on disk) and a few digests run while
 * the next chunk is cut.
 * @module
 */
import { chunkDigest, fileTreeRoot } from "../../core/file_tree.ts";
import { ChunkReader } from "./chunk_reader.ts";

/** Digests running while the next chunk is read. */
const IN_FLIGHT = 4;

/**
 * Hashes a Blob into its tree root for a chunk size.
 *
 * @param blob The file.
 * @param chunkSize Bytes per chunk (what the offer will say).
 * @param onProgress Called after each chunk read with the fraction done.
 * @param signal Stops the reading.
 * @returns The root, 64 hex characters.
 * @throws When the file cannot be read.
 *
 * @example
 * ```ts
 * import { hashFile } from "./file_hash.ts";
 * await hashFile(new Blob(["abc"]), 1024); // 64 hex characters
 * ```
 */
export async function hashFile(
  blob: Blob,
  chunkSize: number,
  onProgress?: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<string> {
  const leaves: Promise<Uint8Array>[] = [];
  const reader = new ChunkReader(blob, chunkSize);
  for (let at = 0, i = 0; at < blob.size; at += chunkSize, i++) {
    signal?.throwIfAborted();
    leaves.push(chunkDigest(await reader.chunk(i))); // WebCrypto copies the bytes at the call.
    if (leaves.length > IN_FLIGHT) await leaves[leaves.length - 1 - IN_FLIGHT];
    onProgress?.(Math.min(1, (at + chunkSize) / blob.size));
  }
  return await fileTreeRoot(await Promise.all(leaves), blob.size, chunkSize);
}
