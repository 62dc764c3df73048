import assert from "node:assert/strict";
import { KeyedRateLimiter, TokenBucket } from "./token_bucket.ts";

Deno.test("TokenBucket: burst, then refill at the rate", () => {
  let now = 0;
  const b = new TokenBucket(10, 3, () => now);
  assert.deepEqual([b.take(), b.take(), b.take(), b.take()], [true, true, true, false]);
  now = 100; // 0.1 s at 10/s: one token
  assert.deepEqual([b.take(), b.take()], [true, false]);
  now = 10_000; // never more than the burst
  assert.deepEqual([b.take(), b.take(), b.take(), b.take()], [true, true, true, false]);
});

Deno.test("KeyedRateLimiter: one bucket per key", () => {
  const l = new KeyedRateLimiter({ ratePerSecond: 0.001, burst: 1, maxKeys: 10 });
  assert.equal(l.take("a"), true);
  assert.equal(l.take("a"), false);
  assert.equal(l.take("b"), true);
});
