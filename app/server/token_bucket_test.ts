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

Deno.test("KeyedRateLimiter: new keys cannot evict a bucket that is still in use", () => {
  let now = 0;
  const l = new KeyedRateLimiter({ ratePerSecond: 1, burst: 2, maxKeys: 3, now: () => now });
  assert.equal(l.take("victim"), true);
  assert.equal(l.take("victim"), true);
  assert.equal(l.take("victim"), false);
  // An attacker cycles fresh keys (IPv6 addresses, new wallets) to make the limiter forget.
  const fresh = Array.from({ length: 10 }, (_, i) => l.take(`attacker${i}`));
  assert.deepEqual(fresh, [true, true, false, false, false, false, false, false, false, false]);
  assert.equal(l.take("victim"), false); // still spent: not reset to a fresh bucket
  now = 5000; // everyone refilled: full buckets are dropped to make room
  assert.equal(l.take("newcomer"), true);
  assert.equal(l.size <= 3, true);
});
