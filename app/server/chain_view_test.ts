import assert from "node:assert/strict";
import { startTestChain } from "../../testing/chain.ts";
import {
  Client,
  commit,
  createRoom,
  join,
  makeKeys,
  type RunningServer,
  signIn,
  startServer,
} from "../../testing/server.ts";

async function waitHealth(srv: RunningServer, want: "ok" | "unavailable"): Promise<void> {
  // Bounded: 100 polls of the health endpoint, 50 ms apart.
  for (let i = 0; i < 100; i++) {
    const { chain } = await (await fetch(`${srv.base}/api/health`)).json();
    if (chain === want) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`chain health never became ${want}`);
}

Deno.test("chain view: fails closed while the RPC is down and recovers by itself", async (t) => {
  const chain = await startTestChain();
  const srv = await startServer(chain);
  const clients: Client[] = [];
  try {
    const roomId = await createRoom(chain, 1);
    const spare = await createRoom(chain, 1);
    const kA = makeKeys(chain, roomId);
    const kB = makeKeys(chain, roomId);
    await commit(chain, 1, roomId, kA);
    await commit(chain, 2, roomId, kB);
    const a = await Client.connect(srv.wsUrl, (await signIn(srv.base, chain, 1)).cookie);
    const sb = await signIn(srv.base, chain, 2);
    const b = await Client.connect(srv.wsUrl, sb.cookie);
    clients.push(a, b);
    await join(a, roomId);
    await join(b, roomId);
    const bob = sb.account.address;
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
    for (const c of clients) await c.close();
    await srv.stop();
    await chain.stop();
  }
});
