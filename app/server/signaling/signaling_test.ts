import assert from "node:assert/strict";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { Hex } from "viem";
import { UPGRADE_HEADERS, upgradeStatus } from "../../../testing/raw_ws.ts";
import {
  closeRoom,
  commit,
  commitEach,
  committedRoom,
  createRoom,
  join,
  makeKeys,
  ORIGIN,
  signIn,
} from "../../../testing/server.ts";
import { startSignalingBed } from "../../../testing/signaling_bed.ts";
import { waitUntil } from "../../../testing/wait_until.ts";

const offer = (
  to: string,
  roomId: Hex,
  k: { publicKey: string; kemKey: string; sdp: string },
  type = "offer",
) => ({
  v: 1,
  type,
  to,
  roomId,
  publicKey: k.publicKey,
  kemKey: k.kemKey,
  sdp: k.sdp,
});
const ice = (to: string, roomId: Hex) => ({
  v: 1,
  type: "ice",
  to,
  roomId,
  candidate: { candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host", sdpMid: "0" },
});

Deno.test("signaling: rooms, presence and commitment-checked relay on a real chain", async (t) => {
  const bed = await startSignalingBed();
  const { chain, srv, connect } = bed;
  try {
    const { roomId, keys: [kA, kB] } = await committedRoom(chain, 1, [1, 2]);
    const alice = await connect(1);
    const bob = await connect(2);

    await t.step("behavior: join returns the peers; others see presence", async () => {
      assert.deepEqual(await join(alice.c, roomId), []);
      assert.deepEqual(await join(bob.c, roomId), [alice.address]);
      const p = await alice.c.next("presence");
      assert.deepEqual(p, {
        v: 1,
        type: "presence",
        roomId,
        address: bob.address,
        state: "joined",
      });
    });

    await t.step("behavior: offer, answer and ICE relayed with a matching commitment", async () => {
      alice.c.send(offer(bob.address, roomId, kA));
      const o = await bob.c.next("offer");
      assert.deepEqual(o, { v: 1, type: "offer", from: alice.address, roomId, ...pick(kA) });
      alice.c.send(ice(bob.address, roomId)); // the offerer may trickle right after its offer
      assert.equal((await bob.c.next("ice")).from, alice.address);
      bob.c.send(offer(alice.address, roomId, kB, "answer"));
      const a = await alice.c.next("answer");
      assert.deepEqual(a, { v: 1, type: "answer", from: bob.address, roomId, ...pick(kB) });
      bob.c.send({ ...ice(alice.address, roomId), candidate: null });
      assert.equal((await alice.c.next("ice")).candidate, null);
    });

    const carol = await connect(3);
    const kC = makeKeys(chain, roomId);
    await commit(chain, 3, roomId, kC);
    await join(carol.c, roomId);

    await t.step("error: ICE before the sender's offer or answer", async () => {
      carol.c.send({ ...ice(alice.address, roomId), ref: "i1" });
      const e = await carol.c.next("error");
      assert.equal(e.code, "no-offer");
      assert.equal(e.ref, "i1");
    });

    await t.step("error: answer without an offer", async () => {
      carol.c.send(offer(bob.address, roomId, kC, "answer"));
      assert.equal(await carol.c.error(), "no-offer");
    });

    await t.step(
      "error: no commitment: the join is refused, nothing reaches the room",
      async () => {
        const dave = await connect(4);
        dave.c.send({ v: 1, type: "join", roomId });
        assert.equal(await dave.c.error(), "no-commitment");
        dave.c.send(offer(alice.address, roomId, makeKeys(chain, roomId)));
        assert.equal(await dave.c.error(), "not-in-room");
        assert.equal(alice.c.messages.filter((m) => m.type === "offer").length, 0);
      },
    );

    await t.step("error: commitment mismatch (swapped key, swapped fingerprint)", async () => {
      const other = makeKeys(chain, roomId);
      carol.c.send(
        offer(alice.address, roomId, {
          publicKey: other.publicKey,
          kemKey: other.kemKey,
          sdp: kC.sdp,
        }),
      );
      assert.equal(await carol.c.error(), "commitment-mismatch");
      carol.c.send(
        offer(alice.address, roomId, {
          publicKey: kC.publicKey,
          kemKey: kC.kemKey,
          sdp: other.sdp,
        }),
      );
      assert.equal(await carol.c.error(), "commitment-mismatch");
      // A commitment for another room with the same keys does not count either.
      assert.equal(alice.c.messages.filter((m) => m.type === "offer").length, 0);
    });

    await t.step("behavior: a fresh commitment is honoured at once (cache re-read)", async () => {
      const kA2 = makeKeys(chain, roomId);
      await commit(chain, 1, roomId, kA2);
      alice.c.send(offer(carol.address, roomId, kA2));
      assert.equal((await carol.c.next("offer")).publicKey, kA2.publicKey);
      alice.c.send(offer(carol.address, roomId, kA)); // the old keys no longer match
      assert.equal(await alice.c.error(), "commitment-mismatch");
    });

    await t.step("error: SDP without a fingerprint", async () => {
      carol.c.send(
        offer(alice.address, roomId, {
          publicKey: kC.publicKey,
          kemKey: kC.kemKey,
          sdp: "v=0\r\n",
        }),
      );
      assert.equal(await carol.c.error(), "bad-sdp");
    });

    await t.step("error: not in room, unknown peer, unknown room", async () => {
      const elsewhere = await createRoom(chain, 1);
      carol.c.send(offer(alice.address, elsewhere, kC));
      assert.equal(await carol.c.error(), "not-in-room");
      carol.c.send(offer("0x" + "12".repeat(20), roomId, kC));
      assert.equal(await carol.c.error(), "peer-not-found");
      carol.c.send({ v: 1, type: "join", roomId: "0x" + "77".repeat(32) });
      assert.equal(await carol.c.error(), "room-not-found");
      carol.c.send({ v: 1, type: "leave", roomId: elsewhere });
      assert.equal(await carol.c.error(), "not-in-room");
    });

    await t.step(
      "error: a room closed on-chain: members are told and leave, joins are refused",
      async () => {
        const closing = await createRoom(chain, 1);
        const k = makeKeys(chain, closing);
        await commit(chain, 1, closing, k);
        await commit(chain, 2, closing, makeKeys(chain, closing));
        await join(alice.c, closing);
        await join(bob.c, closing);
        await closeRoom(chain, 1, closing);
        // The RoomClosed event reaches the server within a few polls; members are told at once.
        for (const c of [alice.c, bob.c]) {
          const e = await c.next("error", (m) => m.roomId === closing);
          assert.equal(e.code, "room-closed");
        }
        alice.c.send(offer(bob.address, closing, k));
        assert.equal(await alice.c.error(), "not-in-room");
        carol.c.send({ v: 1, type: "join", roomId: closing });
        assert.equal(await carol.c.error(), "room-closed");
      },
    );

    await t.step("error: an expired room refuses joins", async () => {
      const block = await chain.publicClient.getBlock();
      const expiring = await createRoom(chain, 1, { expiresAt: block.timestamp + 60n });
      await commitEach(chain, expiring, [1, 2]);
      await join(bob.c, expiring);
      await join(alice.c, expiring);
      // Move the chain's clock past the expiry; the server follows the latest block's time.
      await chain.publicClient.request({ method: "evm_increaseTime", params: [120] } as never);
      await chain.publicClient.request({ method: "evm_mine", params: [] } as never);
      const room = (await srv.server.view.room(expiring))!;
      for (let i = 0; i < 50 && srv.server.view.statusOf(room) !== "expired"; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      carol.c.send({ v: 1, type: "join", roomId: expiring });
      assert.equal(await carol.c.error(), "room-expired");
      bob.c.send(offer(alice.address, expiring, kB));
      assert.equal(await bob.c.error(), "room-expired");
      for (const c of [alice.c, bob.c]) {
        c.send({ v: 1, type: "leave", roomId: expiring });
        await c.next("left");
      }
    });

    await t.step("behavior: members-only room admits only committed members", async () => {
      const tree = StandardMerkleTree.of([[alice.address], [bob.address]], ["address"]);
      const members = await createRoom(chain, 1, { membersRoot: tree.root as Hex });
      carol.c.send({ v: 1, type: "join", roomId: members });
      assert.equal(await carol.c.error(), "not-member");
      alice.c.send({ v: 1, type: "join", roomId: members });
      assert.equal(await alice.c.error(), "not-member"); // member, but no commitment yet
      await commit(chain, 1, members, makeKeys(chain, members), tree.getProof(0) as Hex[]);
      // "No commitment" was cached by the refusal; the KeyCommitted event ends it (bounded wait
      // for the event poll).
      await waitUntil(() => srv.server.view.commitment(members, alice.address), Boolean);
      assert.deepEqual(await join(alice.c, members), []);
      alice.c.send({ v: 1, type: "leave", roomId: members });
      await alice.c.next("left");
    });

    await t.step(
      "behavior: bad frames get errors; socket and other rooms keep working",
      async () => {
        const frames: [unknown, string][] = [
          ["{", "malformed"],
          ["[1,2]", "malformed"],
          [{ v: 2, type: "ping" }, "unsupported-version"],
          [{ v: 1, type: "subscribe" }, "unknown-type"],
          [{ v: 1, type: "join", roomId: "0x1" }, "malformed"],
          [{ v: 1, type: "offer", to: bob.address, roomId, publicKey: "!", sdp: "x" }, "malformed"],
        ];
        for (const [frame, code] of frames) {
          carol.c.send(frame);
          assert.equal(await carol.c.error(), code);
        }
        carol.c.ws.send(new Uint8Array([1, 2, 3]));
        assert.equal(await carol.c.error(), "malformed");
        carol.c.send({ v: 1, type: "ping", ref: "still-here" });
        assert.equal((await carol.c.next("pong")).ref, "still-here");
        alice.c.send(offer(bob.address, roomId, kA));
        assert.equal(await alice.c.error(), "commitment-mismatch"); // alice re-committed above
      },
    );

    await t.step("behavior: an oversized frame closes only that socket (1009)", async () => {
      await commitEach(chain, roomId, [5]);
      const eve = await connect(5);
      await join(eve.c, roomId);
      eve.c.send("x".repeat(64 * 1024 + 1));
      // Refused at the frame header, before the payload is read: a close, no error frame.
      assert.equal(await eve.c.closed(), 1009);
      const left = await alice.c.next(
        "presence",
        (p) => p.address === eve.address && p.state === "left",
      );
      assert.equal(left.state, "left");
      bob.c.send({ v: 1, type: "ping" });
      await bob.c.next("pong");
    });

    await t.step("behavior: the same address joining again replaces the old socket", async () => {
      const carol2 = await bed.open((await signIn(srv.base, chain, 3)).cookie);
      await join(carol2, roomId);
      const e = await carol.c.next("error");
      assert.equal(e.code, "replaced");
      assert.ok((await alice.c.next("presence", (p) => p.address === carol.address)).state);
    });

    await t.step("behavior: leaving and closing announce presence left", async () => {
      bob.c.send({ v: 1, type: "leave", roomId });
      await bob.c.next("left");
      await alice.c.next("presence", (p) => p.address === bob.address && p.state === "left");
      await join(bob.c, roomId);
      await alice.c.next("presence", (p) => p.address === bob.address && p.state === "joined");
      await bob.c.close();
      await alice.c.next("presence", (p) => p.address === bob.address && p.state === "left");
    });

    await t.step("error: /ws refuses bad upgrades", async () => {
      const up = UPGRADE_HEADERS;
      const cases: [Record<string, string>, number][] = [
        [{}, 426],
        [{ ...up, origin: ORIGIN }, 401],
        [{ ...up, origin: "http://evil.example", cookie: alice.cookie }, 403],
        [{ ...up, cookie: alice.cookie }, 403],
      ];
      for (const [headers, status] of cases) {
        assert.equal(await upgradeStatus(srv.base, headers), status);
      }
    });
  } finally {
    await bed.close();
  }
});

function pick(k: { publicKey: string; kemKey: string; sdp: string }) {
  return { publicKey: k.publicKey, kemKey: k.kemKey, sdp: k.sdp };
}
