import assert from "node:assert/strict";
import type { Hex } from "viem";
import type { RoomInfo } from "../chain/room.ts";
import { ChainCache, commitmentKey } from "./chain_cache.ts";

const ROOM = `0x${"11".repeat(32)}` as Hex;
const room = (closed = false): RoomInfo => ({
  roomId: ROOM,
  creator: `0x${"22".repeat(20)}`,
  membersRoot: `0x${"00".repeat(32)}`,
  expiresAt: 0n,
  closed,
  membersOnly: false,
});
const KEY = commitmentKey(ROOM, "0xAbC0000000000000000000000000000000000001");
const C1 = `0x${"c1".repeat(24)}` as Hex;
const C2 = `0x${"c2".repeat(24)}` as Hex;

Deno.test("ChainCache: a negative answer is kept briefly and ended by an event", () => {
  let now = 0;
  const cache = new ChainCache({ maxEntries: 10, negativeTtlMs: 1000, now: () => now });
  assert.equal(cache.room(ROOM), undefined);
  assert.equal(cache.readRoom(ROOM, null, cache.epoch), null);
  assert.equal(cache.room(ROOM), null); // known absent: no second read
  now = 1000;
  assert.equal(cache.room(ROOM), undefined); // expired: ask again
  cache.readRoom(ROOM, null, cache.epoch);
  cache.roomCreated(room());
  assert.equal(cache.room(ROOM)?.closed, false);
  assert.equal(cache.readCommitment(KEY, null, cache.epoch), null);
  assert.equal(cache.knownWithout(KEY), true);
  cache.keyCommitted(KEY, C1, 5n);
  assert.equal(cache.knownWithout(KEY), false);
  assert.equal(cache.commitment(KEY)?.commitment, C1);
});

Deno.test("ChainCache: a read never undoes a close, even one seen before the room was cached", () => {
  const cache = new ChainCache({ maxEntries: 10, negativeTtlMs: 1000 });
  cache.roomClosed(ROOM); // the poll saw RoomClosed while a read was in flight
  assert.equal(cache.readRoom(ROOM, room(false), cache.epoch)?.closed, true);
  assert.equal(cache.room(ROOM)?.closed, true);
  assert.equal(cache.readRoom(ROOM, null, cache.epoch)?.closed, true); // and never "absent" again
});

Deno.test("ChainCache: the commitment from the later block wins, whichever came last", () => {
  const cache = new ChainCache({ maxEntries: 10, negativeTtlMs: 1000 });
  cache.keyCommitted(KEY, C2, 12n);
  assert.equal(
    cache.readCommitment(KEY, { commitment: C1, blockNumber: 10n }, cache.epoch)?.commitment,
    C2,
  );
  assert.equal(cache.commitment(KEY)?.commitment, C2);
  assert.equal(cache.readCommitment(KEY, null, cache.epoch)?.commitment, C2); // a lagging "none" too
  cache.keyCommitted(KEY, C1, 11n); // an older event replayed
  assert.equal(cache.commitment(KEY)?.commitment, C2);
  assert.equal(
    cache.readCommitment(KEY, { commitment: C1, blockNumber: 13n }, cache.epoch)?.commitment,
    C1,
  );
});

Deno.test("ChainCache: after a reorg, forgotten entries are read again and older reads are not cached", () => {
  const cache = new ChainCache({ maxEntries: 10, negativeTtlMs: 1000 });
  cache.roomCreated(room());
  cache.roomClosed(ROOM);
  cache.keyCommitted(KEY, C2, 12n);
  const before = cache.epoch;
  cache.forgetRoom(ROOM);
  cache.forgetCommitment(KEY);
  cache.epoch++;
  assert.equal(cache.room(ROOM), undefined);
  assert.equal(cache.commitment(KEY), undefined);
  // A read started before the reorg answers its own request but is not kept.
  assert.equal(cache.readRoom(ROOM, room(true), before)?.closed, true);
  assert.equal(cache.room(ROOM), undefined);
  assert.equal(cache.readRoom(ROOM, room(false), cache.epoch)?.closed, false);
});

Deno.test("ChainCache: flooding negative answers evicts only negative answers", () => {
  const cache = new ChainCache({ maxEntries: 3, negativeTtlMs: 60_000 });
  cache.roomCreated(room());
  for (let i = 0; i < 10; i++) {
    cache.readRoom(`0x${i.toString(16).padStart(64, "0")}` as Hex, null, cache.epoch);
  }
  assert.equal(cache.room(ROOM)?.roomId, ROOM);
  assert.equal(cache.sizes.noRoom, 3);
});
