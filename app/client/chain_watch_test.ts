import assert from "node:assert/strict";
import { watchChain } from "./chain_watch.ts";

Deno.test("watchChain: reports unreachable, then reachable again, changes only", async () => {
  const answers = [true, false, false, true, true];
  let i = 0;
  const seen: boolean[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => done = r);
  const stop = watchChain({
    getBlockNumber: () => {
      const ok = answers[Math.min(i++, answers.length - 1)];
      if (i >= answers.length) done();
      return ok ? Promise.resolve(1n) : Promise.reject(new Error("Cannot reach: refused"));
    },
  }, { onChange: (ok) => seen.push(ok), intervalMs: 1 });
  await finished;
  await new Promise((r) => setTimeout(r, 10));
  stop();
  assert.deepEqual(seen.slice(0, 2), [false, true]);
});

Deno.test("watchChain: a read that never answers counts as unreachable", async () => {
  const seen: boolean[] = [];
  const stop = watchChain({ getBlockNumber: () => new Promise(() => {}) }, {
    onChange: (ok) => seen.push(ok),
    intervalMs: 1,
    timeoutMs: 5,
  });
  for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  stop();
  assert.deepEqual(seen, [false]);
});

Deno.test("watchChain: a room found closed ends the watch once, with the reason", async () => {
  const rooms: ("room-closed" | null)[] = [null, null, "room-closed"];
  let reads = 0;
  const over: string[] = [];
  const stop = watchChain({ getBlockNumber: () => Promise.resolve(1n) }, {
    onChange: () => {},
    intervalMs: 1,
    room: () => Promise.resolve(rooms[Math.min(reads++, rooms.length - 1)]),
    onRoomOver: (why) => over.push(why),
  });
  for (let i = 0; i < 100 && over.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 20));
  stop();
  assert.deepEqual(over, ["room-closed"]);
  assert.equal(reads, 3); // no read after the room was found over
});

Deno.test("watchChain: a room read that fails does not end the session", async () => {
  let reads = 0;
  const over: string[] = [];
  const stop = watchChain({ getBlockNumber: () => Promise.resolve(1n) }, {
    onChange: () => {},
    intervalMs: 1,
    room: () => (reads++, Promise.reject(new Error("Cannot read: refused"))),
    onRoomOver: (why) => over.push(why),
  });
  for (let i = 0; i < 100 && reads < 3; i++) await new Promise((r) => setTimeout(r, 5));
  stop();
  assert.ok(reads >= 3);
  assert.deepEqual(over, []);
});
