import assert from "node:assert/strict";
import { SessionStore } from "./sessions.ts";

const ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

Deno.test("SessionStore: ending, expiring or evicting a session tells the listeners", () => {
  let now = 0;
  const store = new SessionStore({ ttlSeconds: 10, maxSessions: 2, now: () => now });
  const ended: string[] = [];
  store.onEnd((id) => ended.push(id));
  const a = store.create(ADDRESS);
  const b = store.create(ADDRESS);
  store.end(a.id); // logout
  assert.deepEqual(ended, [a.id]);
  const c = store.create(ADDRESS);
  const d = store.create(ADDRESS); // over the cap: b, the oldest, is evicted
  assert.deepEqual(ended, [a.id, b.id]);
  // Regression: an expired session used to vanish silently, leaving its sockets open (they
  // kept receiving relays until they sent a frame).
  now = 10_000;
  store.sweep();
  assert.deepEqual(ended, [a.id, b.id, c.id, d.id]);
  assert.equal(store.get(c.id), undefined);
  store.end(c.id); // already gone: nobody is told twice
  assert.equal(ended.length, 4);
});
