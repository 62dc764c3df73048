import assert from "node:assert/strict";
import { BoundedMap } from "./bounded_map.ts";

Deno.test("BoundedMap: evicts the oldest beyond maxSize", () => {
  const m = new BoundedMap<string, number>({ maxSize: 2 });
  m.set("a", 1);
  m.set("b", 2);
  m.set("a", 3); // refreshed: now newest
  m.set("c", 4);
  assert.equal(m.size, 2);
  assert.equal(m.get("b"), undefined);
  assert.equal(m.get("a"), 3);
  assert.equal(m.get("c"), 4);
});

Deno.test("BoundedMap: entries expire after ttlMs; take is single use", () => {
  let now = 0;
  const m = new BoundedMap<string, string>({ maxSize: 10, ttlMs: 100, now: () => now });
  m.set("n", "x");
  assert.equal(m.take("n"), "x");
  assert.equal(m.take("n"), undefined);
  m.set("a", "1");
  now = 99;
  assert.equal(m.has("a"), true);
  now = 100;
  assert.equal(m.get("a"), undefined);
  m.set("b", "2");
  now = 300;
  m.sweep();
  assert.equal(m.size, 0);
});

Deno.test("BoundedMap: refuses a non-positive size", () => {
  assert.throws(() => new BoundedMap({ maxSize: 0 }), RangeError);
});

Deno.test("BoundedMap: onDrop hears of entries dropped by age or for room, not removed ones", () => {
  let now = 0;
  const dropped: string[] = [];
  const m = new BoundedMap<string, number>({
    maxSize: 2,
    ttlMs: 100,
    now: () => now,
    onDrop: (k) => dropped.push(k),
  });
  m.set("a", 1);
  m.set("b", 2);
  m.set("c", 3); // "a" evicted for room
  assert.equal(m.delete("b"), true); // removed on purpose: not a drop
  now = 100;
  assert.equal(m.get("c"), undefined); // expired on read
  m.set("d", 4);
  now = 200;
  m.sweep(); // expired on sweep
  m.set("e", 5);
  now = 300;
  assert.equal(m.delete("e"), false); // expired before it was removed
  assert.deepEqual(dropped, ["a", "c", "d", "e"]);
});
