import assert from "node:assert/strict";
import { batchWrites } from "./write_batch.ts";

function recorder() {
  const writes: number[][] = [];
  const write = (b: Uint8Array) => Promise.resolve(void writes.push([...b]));
  return { writes, write };
}

Deno.test("batched writes reach the writer in order, joined into batches of at least the size", async () => {
  const r = recorder();
  const w = batchWrites(r.write, 4);
  await w.write(Uint8Array.of(1, 2));
  assert.deepEqual(r.writes, []);
  await w.write(Uint8Array.of(3, 4, 5));
  await w.write(Uint8Array.of(6));
  await w.write(Uint8Array.of(7, 8, 9, 10));
  assert.deepEqual(r.writes, [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]);
});

Deno.test("flush writes what is held, and nothing when nothing is", async () => {
  const r = recorder();
  const w = batchWrites(r.write, 4);
  await w.flush();
  await w.write(Uint8Array.of(1));
  await w.flush();
  await w.flush();
  assert.deepEqual(r.writes, [[1]]);
});

Deno.test("drop forgets what is held: it is never written", async () => {
  const r = recorder();
  const w = batchWrites(r.write, 4);
  await w.write(Uint8Array.of(1, 2));
  w.drop();
  await w.write(Uint8Array.of(3));
  await w.flush();
  assert.deepEqual(r.writes, [[3]]);
});

Deno.test("a failed write rejects the write that filled the batch", async () => {
  const w = batchWrites(() => Promise.reject(new Error("Cannot save the file: disk full")), 2);
  await w.write(Uint8Array.of(1));
  await assert.rejects(() => w.write(Uint8Array.of(2)), /disk full/);
});

Deno.test("batches are joined into the buffers alloc gives, a single part is passed as it is", async () => {
  const given: Uint8Array[] = [];
  const seen: Uint8Array[] = [];
  const w = batchWrites((b) => Promise.resolve(void seen.push(b)), 4, (size) => {
    const view = new Uint8Array(new ArrayBuffer(16), 0, size);
    given.push(view);
    return view;
  });
  await w.write(Uint8Array.of(1, 2));
  await w.write(Uint8Array.of(3, 4, 5));
  const single = Uint8Array.of(6, 7, 8, 9);
  await w.write(single);
  assert.equal(given.length, 1);
  assert.equal(seen[0], given[0], "the joined batch is the buffer alloc gave");
  assert.deepEqual([...seen[0]], [1, 2, 3, 4, 5]);
  assert.equal(seen[1], single);
});
