import assert from "node:assert/strict";
import { median, ratio, summarize } from "./stats.ts";

Deno.test("summarize: nearest-rank percentiles and mean", async (t) => {
  await t.step("behavior: 1..100", () => {
    const s = summarize(Array.from({ length: 100 }, (_, i) => i + 1));
    assert.deepEqual(s, { n: 100, p50: 50, p99: 99, mean: 50.5 });
  });
  await t.step("behavior: unsorted input", () => {
    assert.equal(median([3, 1, 2]), 2);
  });
  await t.step("behavior: empty sample gives zeros", () => {
    assert.deepEqual(summarize([]), { n: 0, p50: 0, p99: 0, mean: 0 });
  });
});

Deno.test("ratio: two decimals, null without a baseline", () => {
  assert.equal(ratio(1, 3), 0.33);
  assert.equal(ratio(5, 0), null);
});
