import assert from "node:assert/strict";
import type { Address, Hex } from "viem";
import { ChainUnavailableError } from "../chain/errors.ts";
import type { CommitmentReader } from "../chain/offer_check.ts";
import type { RoomInfo, StoredCommitment } from "../chain/room.ts";
import { openRoom } from "../../testing/core_fixtures.ts";
import { CommitmentPreread } from "./commitment_preread.ts";

const roomId = `0x${"ab".repeat(32)}` as Hex;
const peer = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Address;
const room: RoomInfo = openRoom(roomId, peer);
const stored: StoredCommitment = { commitment: `0x${"cd".repeat(24)}`, blockNumber: 7n };

/** A reader answering `commitment()` as told, counting its reads. */
function reader(answer: () => Promise<StoredCommitment | null> = () => Promise.resolve(stored)) {
  const r = { reads: 0 };
  const reader: CommitmentReader = {
    room: () => Promise.resolve(room),
    commitment: () => (r.reads++, answer()),
    nowSeconds: () => Date.now() / 1000,
  };
  return Object.assign(r, { reader });
}

Deno.test("CommitmentPreread: a pre-read is used until the watch sees a newer block", async () => {
  const r = reader();
  const preread = new CommitmentPreread(r.reader, roomId);
  assert.equal(preread.blockSeen(10n), true); // the first head: links are checked, reads kept
  await preread.read(peer);
  assert.deepEqual(await preread.usable(peer.toLowerCase() as Address), stored);
  assert.equal(preread.blockSeen(10n), false); // the same head again: still fresh
  assert.ok(preread.usable(peer));
  assert.equal(preread.blockSeen(11n), true);
  assert.equal(preread.usable(peer), null); // asked before block 11: stale
  await preread.read(peer);
  assert.ok(preread.usable(peer)); // read again after it
  assert.equal(r.reads, 2);
});

Deno.test("CommitmentPreread: one still under way is given (the check waits for it, no new read)", async () => {
  let answer: (v: StoredCommitment) => void = () => {};
  const r = reader(() => new Promise((resolve) => answer = resolve));
  const preread = new CommitmentPreread(r.reader, roomId);
  void preread.read(peer);
  const pending = preread.usable(peer);
  assert.ok(pending);
  answer(stored);
  assert.deepEqual(await pending, stored);
  assert.equal(r.reads, 1);
});

Deno.test("CommitmentPreread: error: a failed, a refused, a missing or an old pre-read is not used", async () => {
  const down = reader(() => Promise.reject(new ChainUnavailableError("down")));
  const a = new CommitmentPreread(down.reader, roomId);
  await assert.rejects(a.read(peer), ChainUnavailableError);
  assert.equal(a.usable(peer), null);

  const none = reader(() => Promise.resolve(null));
  const b = new CommitmentPreread(none.reader, roomId);
  await assert.rejects(b.read(peer), /no key commitment/);
  assert.equal(b.usable(peer), null);
  assert.equal(b.usable("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"), null); // never read

  const old = new CommitmentPreread(reader().reader, roomId, 0);
  await old.read(peer);
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(old.usable(peer), null); // older than the maximum age
});
