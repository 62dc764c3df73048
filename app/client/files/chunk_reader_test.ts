import assert from "node:assert/strict";
import { ChunkReader, READ_BLOCK_BYTES, ReadError } from "./chunk_reader.ts";

/** A Blob that counts the slices taken of it. */
function countingBlob(bytes: Uint8Array): { blob: Blob; slices: () => number } {
  let slices = 0;
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>]);
  const slice = blob.slice.bind(blob);
  blob.slice = (...args: Parameters<Blob["slice"]>) => (slices++, slice(...args));
  return { blob, slices: () => slices };
}

Deno.test("ChunkReader: chunks are the file's bytes, read a block at a time", async () => {
  const bytes = Uint8Array.from({ length: 3 * 1024 * 1024 + 100 }, (_, i) => (i * 7919) % 256);
  const { blob, slices } = countingBlob(bytes);
  const chunk = 63 * 1024;
  const reader = new ChunkReader(blob, chunk);
  const count = Math.ceil(bytes.length / chunk);
  const parts: Uint8Array<ArrayBuffer>[] = [];
  for (let i = 0; i < count; i++) parts.push((await reader.chunk(i)).slice());
  assert.deepEqual(parts.map((p) => p.length).slice(-2), [chunk, bytes.length % chunk]);
  assert.deepEqual(new Uint8Array(await new Blob(parts).arrayBuffer()), bytes);
  // 50 chunks in 16-chunk blocks: 4 reads (and the read-ahead of an empty fifth at most), not 50.
  assert.equal(reader.perBlock, Math.floor(READ_BLOCK_BYTES / chunk));
  assert.ok(slices() <= 5, `${slices()} slices`);
});

Deno.test("ChunkReader: starts anywhere (a resume) and reads whole chunks", async () => {
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
  const reader = new ChunkReader(new Blob([bytes]), 100, 300);
  assert.deepEqual(await reader.chunk(7), bytes.subarray(700, 800));
  assert.deepEqual(await reader.chunk(9), bytes.subarray(900, 1000));
  assert.deepEqual(await reader.chunk(2), bytes.subarray(200, 300));
});

Deno.test("error: a file that cannot be read any more is refused with a clear error", async () => {
  const blob = new Blob([new Uint8Array(10)]);
  blob.slice = () => ({ arrayBuffer: () => Promise.reject(new Error("NotReadableError")) }) as Blob;
  await assert.rejects(
    new ChunkReader(blob, 4).chunk(0),
    (e) => e instanceof ReadError && /^Cannot read the file: it was changed/.test(e.message),
  );
});
