import assert from "node:assert/strict";
import { NonceStore } from "./nonces.ts";
import { SessionStore } from "./sessions.ts";

Deno.test("NonceStore: 128-bit, single use, short-lived, bounded", () => {
  let now = 0;
  const s = new NonceStore({ ttlSeconds: 60, maxNonces: 2, now: () => now });
  const a = s.issue();
  assert.match(a, /^[0-9a-f]{32}$/);
  assert.equal(s.consume(a), true);
  assert.equal(s.consume(a), false);
  const b = s.issue();
  now = 60_000;
  assert.equal(s.consume(b), false);
  const [c, d, e] = [s.issue(), s.issue(), s.issue()];
  assert.equal(s.size, 2);
  assert.equal(s.consume(c), false); // evicted
  assert.equal(s.consume(d) && s.consume(e), true);
});

Deno.test("SessionStore: random ids, TTL, end tells listeners", () => {
  let now = 0;
  const s = new SessionStore({ ttlSeconds: 10, maxSessions: 5, now: () => now });
  const ended: string[] = [];
  s.onEnd((id) => ended.push(id));
  const a = s.create("0x0000000000000000000000000000000000000001");
  assert.match(a.id, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(s.get(a.id)?.address, a.address);
  assert.equal(s.get(undefined), undefined);
  s.end(a.id);
  assert.deepEqual(ended, [a.id]);
  assert.equal(s.get(a.id), undefined);
  const b = s.create("0x0000000000000000000000000000000000000002");
  now = 10_000;
  assert.equal(s.get(b.id), undefined);
});
