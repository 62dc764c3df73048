import assert from "node:assert/strict";
import { median, meshFit, ratio, summarize } from "./stats.ts";

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

Deno.test("meshFit: the largest mesh whose per-person CPU stays within the budget", async (t) => {
  await t.step("behavior: linear through the two sizes", () => {
    // a + b·(n − 1) with b = 0.1, a = 0.1: n = 10 costs exactly 1.0.
    assert.equal(meshFit([{ peers: 4, perPeer: 0.4 }, { peers: 2, perPeer: 0.2 }], 1), 10);
    // n = 4 costs 0.4, over 0.35: 3.
    assert.equal(meshFit([{ peers: 2, perPeer: 0.2 }, { peers: 4, perPeer: 0.4 }], 0.35), 3);
  });
  await t.step("error: one size, or a cost that does not grow, gives no figure", () => {
    assert.equal(meshFit([{ peers: 2, perPeer: 0.2 }], 1), null);
    assert.equal(meshFit([{ peers: 2, perPeer: 0.3 }, { peers: 4, perPeer: 0.3 }], 1), null);
  });
});
