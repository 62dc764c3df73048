/**
 * Returning to a room with kept keys (issue 16, item 2), in the engine against the real chain
 * and server: a reload costs no transaction; leave, expiry, damage and a commitment that moved
 * on chain each lead to a new one, and kept keys that no longer match the chain are never used.
 * The same in a real Chromium with IndexedDB: tests/browser/kept_keys_test.ts.
 */
import assert from "node:assert/strict";
import type { Address, Hex } from "viem";
import { walletConnection } from "../../testing/engine_io.ts";
import { type EngineBed, startEngineBed, until } from "../../testing/engine_session.ts";
import { MemoryKeeper } from "../../testing/memory_keeper.ts";
import { closeRoom, commit, createRoom, makeKeys } from "../../testing/server.ts";
import { storedCommitment } from "../core/commitment.ts";
import { readCommitment } from "../chain/registry.ts";
import type { SessionState } from "./room_session.ts";

const HOUR = 3_600_000;
const openLinks = (s: SessionState) => s.links.filter((l) => l.state === "open").length;
const ready = (s: SessionState) => s.step === "ready";
const FRESH = ["room", "keys", "commit", "sign-in", "socket", "ready"];
const REUSED = ["room", "keys", "sign-in", "socket", "ready"];

Deno.test("RoomSession with kept keys: returning to a room", async (t) => {
  const bed = await startEngineBed();
  const { chain } = bed;
  const alice = walletConnection(chain, 1).address;
  const txCount = (address: Address) => chain.publicClient.getTransactionCount({ address });
  const onChain = async (roomId: Hex) =>
    (await readCommitment(chain.publicClient, chain.registry, roomId, alice))?.commitment;
  /** A session of alice that keeps keys in `keeper`, run until ready or fatal. */
  const visit = async (roomId: Hex, keeper: MemoryKeeper) => {
    const o = bed.start(1, roomId, { keep: { keeper, forMs: 4 * HOUR } });
    await until(o.s.state, (v) => ready(v) || v.fatal !== null, "alice ready");
    return o;
  };
  try {
    await t.step(
      "behavior: a reload takes the kept keys back, no transaction, and chats",
      async () => {
        const roomId = await createRoom(chain, 1);
        const keeper = new MemoryKeeper();
        const first = await visit(roomId, keeper);
        assert.deepEqual(first.steps, FRESH);
        assert.ok(first.s.state.value.keptUntil! > Date.now() + 3 * HOUR);
        assert.equal(keeper.records.size, 1);
        const txs = await txCount(alice);
        first.s.stop(); // a reload: the page goes, the keys stay

        const again = await visit(roomId, keeper);
        assert.deepEqual(again.steps, REUSED);
        assert.equal(again.s.state.value.reusedKeys, true);
        assert.equal(again.s.state.value.commitTx.phase, "idle");
        assert.equal(await txCount(alice), txs, "no new transaction");
        assert.deepEqual(again.notices, []);

        const bob = bed.start(2, roomId);
        for (const p of [again, bob]) await until(p.s.state, (v) => openLinks(v) === 1, "open");
        await again.chat.send("back again");
        const got = await until(bob.chat.entries, (e) => e.length === 1, "bob receives");
        assert.equal(got[0].text, "back again");
        await bob.chat.send("welcome back");
        await until(again.chat.entries, (e) => e.some((m) => m.text === "welcome back"), "reply");
        assert.equal(
          again.s.links[0].status.value.safetyNumber,
          bob.s.links[0].status.value.safetyNumber,
        );
        bob.s.stop();

        // Leaving erases the keys: the next visit commits new ones.
        await again.s.leave();
        assert.equal(keeper.records.size, 0);
        const third = await visit(roomId, keeper);
        assert.deepEqual(third.steps, FRESH);
        assert.equal(await txCount(alice), txs + 1);
        third.s.stop();
      },
    );

    await t.step("behavior: expired kept keys are erased and new keys committed", async () => {
      const { roomId, keeper, txs } = await keptRoom(bed, visit, txCount, alice);
      for (const r of keeper.records.values()) r.expiresAt = Date.now() - 1;
      const o = await visit(roomId, keeper);
      assert.deepEqual(o.steps, FRESH);
      assert.equal(await txCount(alice), txs + 1);
      assert.ok(o.notices.some((n) => n.kind === "kept-keys-expired"));
      o.s.stop();
    });

    await t.step(
      "error: kept keys whose commitment moved on chain are refused, not used",
      async () => {
        const { roomId, keeper, txs } = await keptRoom(bed, visit, txCount, alice);
        const kept = [...keeper.records.values()][0].commitment;
        // The same address commits other keys (another device, or a thief who had the wallet).
        await commit(chain, 1, roomId, makeKeys(chain, roomId));
        const o = await visit(roomId, keeper);
        assert.deepEqual(o.steps, FRESH);
        assert.equal(o.s.state.value.reusedKeys, false);
        assert.ok(o.notices.some((n) => n.kind === "kept-keys-mismatch"));
        assert.equal(await txCount(alice), txs + 2);
        const now = await onChain(roomId);
        assert.notEqual(now, storedCommitment(kept), "the kept keys were not committed again");
        assert.equal(now, storedCommitment([...keeper.records.values()][0].commitment));
        // And the new keys work: bob connects and reads alice.
        const bob = bed.start(2, roomId);
        for (const p of [o, bob]) await until(p.s.state, (v) => openLinks(v) === 1, "open");
        await o.chat.send("new keys");
        await until(bob.chat.entries, (e) => e[0]?.text === "new keys", "bob receives");
        o.s.stop();
        bob.s.stop();
      },
    );

    await t.step("error: a damaged record is erased and new keys committed", async () => {
      const { roomId, keeper, txs } = await keptRoom(bed, visit, txCount, alice);
      const r = [...keeper.records.values()][0];
      // Another key pair's public half: the record no longer hashes to its commitment.
      r.ecdh.publicKey = crypto.getRandomValues(new Uint8Array(r.ecdh.publicKey.length));
      const o = await visit(roomId, keeper);
      assert.deepEqual(o.steps, FRESH);
      assert.ok(o.notices.some((n) => n.kind === "kept-keys-unusable"));
      assert.equal(await txCount(alice), txs + 1);
      o.s.stop();
    });

    await t.step("behavior: a closed room's kept keys are erased", async () => {
      const { roomId, keeper } = await keptRoom(bed, visit, txCount, alice);
      await closeRoom(chain, 1, roomId);
      const o = await visit(roomId, keeper);
      assert.equal(o.s.state.value.fatal, "The room was closed by its creator.");
      assert.equal(keeper.records.size, 0);
    });

    await t.step("behavior: keeping for 0 hours keeps nothing", async () => {
      const roomId = await createRoom(chain, 1);
      const keeper = new MemoryKeeper();
      const o = bed.start(1, roomId, { keep: { keeper, forMs: 0 } });
      await until(o.s.state, ready, "ready");
      assert.equal(keeper.records.size, 0);
      assert.equal(o.s.state.value.keptUntil, null);
      o.s.stop();
    });
  } finally {
    await bed.close();
  }
});

/** A room alice joined once with keys kept, her session ended as a reload would. */
async function keptRoom(
  bed: EngineBed,
  visit: (roomId: Hex, k: MemoryKeeper) => Promise<{ s: { stop(): void } }>,
  txCount: (a: Address) => Promise<number>,
  alice: Address,
) {
  const roomId = await createRoom(bed.chain, 1);
  const keeper = new MemoryKeeper();
  (await visit(roomId, keeper)).s.stop();
  assert.equal(keeper.records.size, 1);
  return { roomId, keeper, txs: await txCount(alice) };
}
