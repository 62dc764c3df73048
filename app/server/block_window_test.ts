import assert from "node:assert/strict";
import type { Hex } from "viem";
import { BlockWindow } from "./block_window.ts";

const h = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;
const R = (n: number) => h(1000 + n);

Deno.test("BlockWindow: a rollback returns what later blocks and recent reads touched", () => {
  const w = new BlockWindow(64n);
  w.touchRoom(10n, h(10), R(1));
  w.settle(10n, h(10));
  w.touchCommitment(12n, h(12), "k12");
  w.touchRoom(13n, h(13), R(2));
  w.settle(13n, h(13));
  w.readRoom(R(3)); // a read after the last poll
  assert.deepEqual(w.newestFirst().map((b) => b.number), [13n, 12n, 10n]);
  const lost = w.rollback(10n);
  assert.deepEqual([...lost.rooms], [R(3), R(2)]);
  assert.deepEqual([...lost.commitments], ["k12"]);
  assert.deepEqual(w.tip, { number: 10n, hash: h(10) });
  assert.deepEqual(w.newestFirst().map((b) => b.number), [10n]);
});

Deno.test("BlockWindow: no ancestor forgets everything; old blocks leave the window", () => {
  const w = new BlockWindow(2n);
  for (let n = 1; n <= 5; n++) {
    w.touchRoom(BigInt(n), h(n), R(n));
    w.settle(BigInt(n), h(n));
  }
  assert.deepEqual(w.newestFirst().map((b) => b.number), [5n, 4n, 3n]);
  const lost = w.rollback(undefined);
  assert.equal(lost.rooms.size, 3);
  assert.equal(w.tip, undefined);
});
