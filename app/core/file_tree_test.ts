import assert from "node:assert/strict";
import { chunkDigest, fileTreeRoot } from "./file_tree.ts";

const leaves = (n: number) =>
  Promise.all(Array.from({ length: n }, (_, i) => chunkDigest(Uint8Array.of(i))));

Deno.test("fileTreeRoot", async (t) => {
  await t.step("behavior: any changed, swapped or dropped chunk gives another root", async () => {
    const xs = await leaves(5);
    const root = await fileTreeRoot(xs, 5 * 1024, 1024);
    assert.match(root, /^[0-9a-f]{64}$/);
    assert.equal(await fileTreeRoot([...xs], 5 * 1024, 1024), root);
    const changed = [...xs];
    changed[3] = await chunkDigest(Uint8Array.of(99));
    assert.notEqual(await fileTreeRoot(changed, 5 * 1024, 1024), root);
    const swapped = [xs[1], xs[0], ...xs.slice(2)];
    assert.notEqual(await fileTreeRoot(swapped, 5 * 1024, 1024), root);
    assert.notEqual(await fileTreeRoot(xs.slice(0, 4), 4 * 1024, 1024), root);
  });

  await t.step("behavior: the size and the chunk size are bound into the root", async () => {
    const xs = await leaves(2);
    const root = await fileTreeRoot(xs, 2048, 1024);
    assert.notEqual(await fileTreeRoot(xs, 2047, 1024), root);
    assert.notEqual(await fileTreeRoot(xs, 2048, 1025), root);
  });

  await t.step("error: leaves that do not fit the size and chunk size are refused", async () => {
    const xs = await leaves(3);
    await assert.rejects(fileTreeRoot(xs, 2048, 1024), /^RangeError: Cannot hash file: the leaves/);
    await assert.rejects(fileTreeRoot([], 1, 1024), /Cannot hash file: the leaves/);
    await assert.rejects(
      fileTreeRoot([new Uint8Array(31)], 10, 1024),
      /Cannot hash file: a leaf is not a SHA-256 digest/,
    );
    await assert.rejects(fileTreeRoot([], -1, 1024), /Cannot hash file: bad size/);
    await assert.rejects(fileTreeRoot([], 0, 0), /Cannot hash file: bad size or chunk size/);
  });
});
