/**
 * The file hash of a transfer (docs/CRYPTO.md section 7a): a SHA-256 hash tree over the file's
 * chunks, every digest computed by WebCrypto's native `digest` (which takes one whole input, so a
 * file that is never in memory cannot have one plain SHA-256 from it; each chunk can). The tree's
 * shape follows from the size and the chunk size, and both are bound into the root:
 *
 * ```
 * n        = ceil(size / chunkSize)             (0 for an empty file)
 * leaf i   = SHA-256(chunk i)                   (the chunk's bytes as sent, nothing added)
 * level up = SHA-256(0x01 || left || right) for each pair; an odd last node moves up unchanged
 * top      = the single node left, or SHA-256("") when n = 0
 * root     = SHA-256("mesh3/v2/file-tree" || 0x00 || u64 size || u32 chunkSize || top)
 * ```
 * @module
 */
import { bytesToHex, concatBytes, utf8 } from "./bytes.ts";

/** Domain label of the file root. */
export const LABEL_FILE_TREE = "mesh3/v2/file-tree";
/** Length of a digest. */
export const DIGEST_LENGTH = 32;

const subtle = globalThis.crypto.subtle;
const INNER = Uint8Array.of(1);

/**
 * SHA-256 of one chunk: a leaf of the tree.
 *
 * @param chunk The chunk's bytes.
 * @returns 32 bytes.
 *
 * @example
 * ```ts
 * import { chunkDigest } from "./file_tree.ts";
 * (await chunkDigest(new Uint8Array(10))).length; // 32
 * ```
 */
export async function chunkDigest(chunk: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle.digest("SHA-256", chunk as BufferSource));
}

/**
 * The root of a file's tree from its leaves.
 *
 * @param leaves The chunks' digests, in order (`ceil(size / chunkSize)` of them).
 * @param size The file's size in bytes.
 * @param chunkSize Bytes per chunk (the last may be shorter).
 * @returns The root as 64 lower-case hex characters.
 * @throws {RangeError} "Cannot hash file: …" when the leaves do not fit the size and chunk size.
 *
 * @example
 * ```ts
 * import { chunkDigest, fileTreeRoot } from "./file_tree.ts";
 * const bytes = new Uint8Array(3000);
 * const leaves = [await chunkDigest(bytes.subarray(0, 2048)), await chunkDigest(bytes.subarray(2048))];
 * await fileTreeRoot(leaves, 3000, 2048); // 64 hex characters
 * ```
 */
export async function fileTreeRoot(
  leaves: readonly Uint8Array[],
  size: number,
  chunkSize: number,
): Promise<string> {
  if (!Number.isSafeInteger(size) || size < 0 || !Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError("Cannot hash file: bad size or chunk size");
  }
  if (chunkSize > 0xffffffff || leaves.length !== Math.ceil(size / chunkSize)) {
    throw new RangeError("Cannot hash file: the leaves do not match its size and chunk size");
  }
  if (leaves.some((l) => l.length !== DIGEST_LENGTH)) {
    throw new RangeError("Cannot hash file: a leaf is not a SHA-256 digest");
  }
  let level = [...leaves];
  while (level.length > 1) {
    const up: Promise<Uint8Array>[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) {
      up.push(chunkDigest(concatBytes(INNER, level[i], level[i + 1])));
    }
    const odd = level.length % 2 === 1 ? [level[level.length - 1]] : [];
    level = [...await Promise.all(up), ...odd];
  }
  const top = level[0] ?? await chunkDigest(new Uint8Array(0));
  const lengths = new Uint8Array(12);
  const view = new DataView(lengths.buffer);
  view.setBigUint64(0, BigInt(size));
  view.setUint32(8, chunkSize);
  const root = await chunkDigest(
    concatBytes(utf8(LABEL_FILE_TREE), Uint8Array.of(0), lengths, top),
  );
  return bytesToHex(root).slice(2);
}
