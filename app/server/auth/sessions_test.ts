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

Deno.test("SessionStore: an address beyond its cap ends its own oldest session", () => {
  const store = new SessionStore({ ttlSeconds: 60, maxSessions: 100, maxPerAddress: 3 });
  const ended: string[] = [];
  store.onEnd((id) => ended.push(id));
  const other = store.create("0x0000000000000000000000000000000000000002", "192.0.2.9");
  const mine = Array.from({ length: 5 }, () => store.create(ADDRESS, "192.0.2.1"));
  assert.deepEqual(ended, [mine[0].id, mine[1].id]);
  assert.equal(store.get(mine[4].id)?.address, ADDRESS);
  assert.equal(store.get(other.id)?.ip, "192.0.2.9");
  assert.deepEqual(store.sizes, { sessions: 4, addresses: 2, ips: 2 });
});

Deno.test("SessionStore: one IP with fresh keys cannot evict other people's sessions", () => {
  const store = new SessionStore({ ttlSeconds: 60, maxSessions: 10, maxPerIp: 4 });
  const victim = store.create(ADDRESS, "198.51.100.7");
  // Before the per-IP cap, 10 sign-ins from anywhere evicted the oldest session: the victim's.
  const attacker = Array.from(
    { length: 50 },
    (_, i) => store.create(`0x${(i + 16).toString(16).padStart(40, "0")}`, "2001:db8:1:2::/64"),
  );
  assert.equal(store.get(victim.id)?.address, ADDRESS);
  assert.deepEqual(attacker.filter((s) => store.get(s.id)).length, 4);
  assert.deepEqual(store.sizes, { sessions: 5, addresses: 5, ips: 2 });
});
