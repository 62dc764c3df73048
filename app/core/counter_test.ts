import assert from "node:assert/strict";
import { SequenceCounter } from "./counter.ts";
import { FrameError } from "./errors.ts";
import { MAX_SEQUENCE } from "./frame.ts";

Deno.test("SequenceCounter", async (t) => {
  await t.step("behavior: counts up from zero", () => {
    const c = new SequenceCounter();
    assert.deepEqual([c.take(), c.take(), c.take()], [0n, 1n, 2n]);
    assert.equal(c.next, 3n);
  });
  await t.step("behavior: refuses to wrap past 2^64 - 1 and stays exhausted", () => {
    const c = new SequenceCounter(MAX_SEQUENCE - 1n);
    assert.equal(c.take(), MAX_SEQUENCE - 1n);
    assert.equal(c.take(), MAX_SEQUENCE);
    for (let i = 0; i < 3; i++) {
      assert.throws(
        () => c.take(),
        (e: unknown) => e instanceof FrameError && e.reason === "exhausted",
      );
    }
  });
  await t.step("error: a start outside 64 bits is refused", () => {
    assert.throws(() => new SequenceCounter(-1n), RangeError);
    assert.throws(() => new SequenceCounter(MAX_SEQUENCE + 1n), RangeError);
  });
});
