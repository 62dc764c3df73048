import assert from "node:assert/strict";
import type { Hex } from "viem";
import { MemoryRooms } from "./rooms.ts";

const R1: Hex = `0x${"01".repeat(32)}`;
const R2: Hex = `0x${"02".repeat(32)}`;
const member = (key: string) => ({ key });

Deno.test("MemoryRooms: membership, described pairs and sizes", async (t) => {
  await t.step("behavior: add returns the others and whether the key is new", () => {
    const rooms = new MemoryRooms<{ key: string }>();
    const a = member("0xa"), b = member("0xb");
    assert.deepEqual(rooms.add(R1, a), { others: [], fresh: true });
    assert.deepEqual(rooms.add(R1, b), { others: [a], fresh: true });
    assert.deepEqual(rooms.add(R1, b), { others: [a], fresh: false }); // joining again
    const b2 = member("0xb"); // the same address from another socket takes its place
    assert.deepEqual(rooms.add(R1, b2), { others: [a, b], fresh: false });
    assert.equal(rooms.room(R1)?.member("0xb"), b2);
    assert.equal(rooms.room(R1)?.size, 2);
  });

  await t.step("behavior: pairs are kept per direction and forgotten with either member", () => {
    const rooms = new MemoryRooms<{ key: string }>();
    const a = member("0xa"), b = member("0xb"), c = member("0xc");
    for (const m of [a, b, c]) rooms.add(R1, m);
    rooms.describe(R1, "0xa", "0xb");
    rooms.describe(R1, "0xc", "0xb");
    rooms.describe(R1, "0xb", "0xa");
    assert.equal(rooms.room(R1)!.hasDescribed("0xa", "0xb"), true);
    assert.equal(rooms.room(R1)!.hasDescribed("0xa", "0xc"), false);
    assert.deepEqual(rooms.stats(), { rooms: 1, members: 3, pairs: 3 });
    assert.deepEqual(rooms.remove(R1, b), [a, c]);
    assert.equal(rooms.room(R1)!.hasDescribed("0xa", "0xb"), false);
    assert.equal(rooms.room(R1)!.hasDescribed("0xb", "0xa"), false);
    assert.deepEqual(rooms.stats(), { rooms: 1, members: 2, pairs: 0 });
  });

  await t.step("behavior: remove ignores a member that is not the current one", () => {
    const rooms = new MemoryRooms<{ key: string }>();
    const old = member("0xa"), current = member("0xa");
    rooms.add(R1, old);
    rooms.add(R1, current);
    assert.equal(rooms.remove(R1, old), undefined);
    assert.equal(rooms.remove(R2, current), undefined);
    assert.equal(rooms.room(R1)?.member("0xa"), current);
  });

  await t.step("behavior: the last member out deletes the room; close empties it", () => {
    const rooms = new MemoryRooms<{ key: string }>();
    const a = member("0xa"), b = member("0xb");
    rooms.add(R1, a);
    assert.deepEqual(rooms.remove(R1, a), []);
    assert.equal(rooms.room(R1), undefined);
    rooms.add(R2, a);
    rooms.add(R2, b);
    rooms.describe(R2, "0xa", "0xb");
    assert.deepEqual(rooms.close(R2), [a, b]);
    assert.deepEqual(rooms.close(R2), []);
    rooms.describe(R2, "0xa", "0xb"); // no room: nothing is kept
    assert.deepEqual(rooms.stats(), { rooms: 0, members: 0, pairs: 0 });
  });
});
