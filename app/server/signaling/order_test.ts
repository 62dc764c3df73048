import assert from "node:assert/strict";
import { startTestChain } from "../../../testing/chain.ts";
import { committedRoom, join } from "../../../testing/server.ts";
import { startSignalingBed } from "../../../testing/signaling_bed.ts";

const RPC_DELAY_MS = 200;
const candidate = (n: number) => ({
  candidate: `candidate:${n} 1 udp 1 127.0.0.1 ${5000 + n} typ host`,
  sdpMid: "0",
  sdpMLineIndex: 0,
});

// ICE, ping and leave are handled as they arrive when nothing of the socket's is still being
// handled, and queued behind an offer or join still waiting for the chain otherwise.
Deno.test("signaling: per-socket order holds across the chain check", async (t) => {
  const chain = await startTestChain();
  // The server reaches the chain through a loopback proxy that holds every answer 200 ms, and
  // polls rarely: what is published after start-up is read on demand, a slow round trip while
  // the frames behind it arrive.
  const slow = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const body = await req.text();
    await new Promise((r) => setTimeout(r, RPC_DELAY_MS));
    return await fetch(chain.rpcUrl, { method: "POST", headers: req.headers, body });
  });
  const bed = await startSignalingBed({
    chain,
    env: {
      MESH3_RPC_URL: `http://127.0.0.1:${slow.addr.port}`,
      MESH3_CHAIN_POLL_MS: "60000",
      MESH3_CHAIN_TIMEOUT_MS: "4000",
    },
  });
  const { srv } = bed;
  try {
    const { roomId, keys: [kA, kB] } = await committedRoom(chain, 1, [1, 2]);
    const { c: alice, ...a } = await bed.connect(1);
    const { c: bob, ...b } = await bed.connect(2);
    await join(alice, roomId);
    await join(bob, roomId);
    await alice.next("presence");

    await t.step("behavior: ICE sent right behind its offer follows it, none refused", async () => {
      alice.send({
        v: 1,
        type: "offer",
        to: b.account.address,
        roomId,
        publicKey: kA.publicKey,
        kemKey: kA.kemKey,
        sdp: kA.sdp,
      });
      for (let n = 1; n <= 3; n++) {
        alice.send({ v: 1, type: "ice", to: b.account.address, roomId, candidate: candidate(n) });
      }
      alice.send({ v: 1, type: "ping", ref: "after" });
      // The ping was handled after the ICE; bob's frames arrive in the order they were sent.
      assert.equal((await alice.next("pong")).ref, "after");
      await bob.next("ice", (m) => m.candidate?.candidate === candidate(3).candidate);
      const before = bob.messages.splice(0).filter((m) => m.type === "offer" || m.type === "ice")
        .map((m) => m.type === "ice" ? m.candidate?.candidate : m.type);
      assert.deepEqual(before, ["offer", candidate(1).candidate, candidate(2).candidate]);
      assert.ok(!alice.messages.some((m) => m.type === "error"), JSON.stringify(alice.messages));
    });

    await t.step(
      "behavior: frames arrive in the order sent, ICE byte-equal to the spec",
      async () => {
        bob.send({
          v: 1,
          type: "answer",
          to: a.account.address,
          roomId,
          publicKey: kB.publicKey,
          kemKey: kB.kemKey,
          sdp: kB.sdp,
        });
        await alice.next("answer");
        const seen: string[] = [];
        for (let n = 4; n <= 9; n++) {
          alice.send({ v: 1, type: "ice", to: b.account.address, roomId, candidate: candidate(n) });
          bob.send({ v: 1, type: "ice", to: a.account.address, roomId, candidate: candidate(n) });
        }
        for (let n = 4; n <= 9; n++) {
          const m = await bob.next("ice");
          seen.push(m.candidate?.candidate ?? "end");
          assert.deepEqual(m, {
            v: 1,
            type: "ice",
            from: a.account.address,
            roomId,
            candidate: candidate(n),
          });
          assert.equal((await alice.next("ice")).from, b.account.address);
        }
        assert.deepEqual(seen, [4, 5, 6, 7, 8, 9].map((n) => candidate(n).candidate));
        assert.equal(srv.server.hub.stats().pairs, 2);
      },
    );

    await t.step("behavior: a leave forgets the pairs both ways", async () => {
      bob.send({ v: 1, type: "leave", roomId, ref: "bye" });
      assert.equal((await bob.next("left")).ref, "bye");
      assert.equal(srv.server.hub.stats().pairs, 0);
      await join(bob, roomId);
      alice.send({ v: 1, type: "ice", to: b.account.address, roomId, candidate: null, ref: "x" });
      const refused = await alice.next("error");
      assert.deepEqual([refused.code, refused.ref, refused.roomId], ["no-offer", "x", roomId]);
    });
  } finally {
    await bed.close();
    await slow.shutdown();
    await chain.stop();
  }
});
