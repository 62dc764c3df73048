import assert from "node:assert/strict";
import { committedRoom, createRoom, join, type RunningServer } from "../../testing/server.ts";
import { startSignalingBed } from "../../testing/signaling_bed.ts";
import { waitUntil } from "../../testing/wait_until.ts";

async function waitHealth(srv: RunningServer, want: "ok" | "unavailable"): Promise<void> {
  // Bounded: 100 polls of the health endpoint, 50 ms apart.
  const health = await waitUntil(
    async () => (await (await fetch(`${srv.base}/api/health`)).json()).chain,
    (chain) => chain === want,
    { everyMs: 50 },
  );
  if (health !== want) throw new Error(`chain health never became ${want}`);
}

Deno.test("chain view: fails closed while the RPC is down and recovers by itself", async (t) => {
  const bed = await startSignalingBed();
  const { chain, srv } = bed;
  try {
    const { roomId, keys: [kA] } = await committedRoom(chain, 1, [1, 2]);
    const spare = await createRoom(chain, 1);
    const { c: a } = await bed.connect(1);
    const { c: b, address: bob } = await bed.connect(2);
    await join(a, roomId);
    await join(b, roomId);
    const offer = { v: 1, type: "offer", to: bob, roomId, publicKey: kA.publicKey, sdp: kA.sdp };

    await t.step("behavior: relay works while the chain is up", async () => {
      a.send(offer);
      await b.next("offer");
    });

    await chain.goOffline();
    await waitHealth(srv, "unavailable");

    await t.step("error: relay and join refused with chain-unavailable, sockets stay", async () => {
      a.send(offer); // the commitment is cached, yet nothing is relayed while the chain is down
      assert.equal(await a.error(), "chain-unavailable");
      b.send({ v: 1, type: "join", roomId: spare });
      assert.equal(await b.error(), "chain-unavailable");
      a.send({ v: 1, type: "ping", ref: "alive" });
      assert.equal((await a.next("pong")).ref, "alive");
      assert.equal(b.messages.filter((m) => m.type === "offer").length, 0);
    });

    await chain.goOnline();
    await waitHealth(srv, "ok");

    await t.step("behavior: after the chain is back, relay and join work again", async () => {
      a.send(offer);
      await b.next("offer");
      await join(b, spare);
    });
  } finally {
    await bed.close();
  }
});
