import assert from "node:assert/strict";
import type { Hex, PublicClient } from "viem";
import { startTestChain, type TestChain } from "../../testing/chain.ts";
import { mentions, startRpcProxy } from "../../testing/rpc_proxy.ts";
import {
  closeRoom,
  commit,
  committedRoom,
  createRoom,
  join,
  makeKeys,
  type RunningServer,
} from "../../testing/server.ts";
import { startSignalingBed } from "../../testing/signaling_bed.ts";
import { waitUntil } from "../../testing/wait_until.ts";
import { readCommitment } from "../chain/registry.ts";
import { storedCommitment } from "../core/commitment.ts";
import { ChainView, createChainClient } from "./chain_view.ts";

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
    await commit(chain, 2, spare, makeKeys(chain, spare)); // joins need a commitment
    const { c: a } = await bed.connect(1);
    const { c: b, address: bob } = await bed.connect(2);
    await join(a, roomId);
    await join(b, roomId);
    const offer = {
      v: 1,
      type: "offer",
      to: bob,
      roomId,
      publicKey: kA.publicKey,
      kemKey: kA.kemKey,
      sdp: kA.sdp,
    };

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

/** A view of `chain` through `rpcUrl`, polling every 50 ms. */
async function viewOf(chain: TestChain, rpcUrl: string): Promise<ChainView> {
  const client = createChainClient({
    rpcUrl,
    chainId: chain.chainId,
    chainName: "test",
    timeoutMs: 5000,
  });
  const view = new ChainView({
    client: client as PublicClient,
    registry: chain.registry,
    pollMs: 50,
    maxEntries: 1000,
  });
  await view.start();
  return view;
}

/** Bounded wait (100 × 20 ms) until `f` holds. */
async function until(f: () => Promise<boolean> | boolean, what: string): Promise<void> {
  if (!(await waitUntil(f, (holds) => holds))) throw new Error(`never: ${what}`);
}

Deno.test("chain view: a missing room costs one read, and its creation ends the answer", async () => {
  const chain = await startTestChain();
  const proxy = startRpcProxy(chain.rpcUrl);
  const view = await viewOf(chain, proxy.url);
  try {
    const missing = `0x${"ab".repeat(32)}` as Hex;
    const before = proxy.count("eth_call");
    for (let i = 0; i < 5; i++) assert.equal(await view.room(missing), null);
    assert.equal(proxy.count("eth_call") - before, 1);
    const created = await createRoom(chain, 1);
    assert.equal(await view.room(created).then((r) => r?.roomId), created);
  } finally {
    await view.stop();
    await proxy.stop();
    await chain.stop();
  }
});

Deno.test("chain view: a read answered before a close does not reopen the room", async () => {
  const chain = await startTestChain();
  const proxy = startRpcProxy(chain.rpcUrl);
  const roomId = await createRoom(chain, 1); // before start-up: the view knows it only by reading
  const view = await viewOf(chain, proxy.url);
  try {
    const closes: Hex[] = [];
    view.onRoomClosed((id) => closes.push(id));
    // The read reaches the chain now, its answer ("open") comes back 1.5 s later.
    proxy.intercept = (calls) =>
      calls.some((c) => c.method === "eth_call" && mentions(c, roomId))
        ? { holdMs: 1500 }
        : undefined;
    const read = view.room(roomId);
    await new Promise((r) => setTimeout(r, 200));
    proxy.intercept = undefined;
    await closeRoom(chain, 1, roomId);
    await until(() => closes.includes(roomId), "the poll saw RoomClosed");
    await read;
    const room = await view.room(roomId);
    assert.equal(room && view.statusOf(room), "closed");
  } finally {
    await view.stop();
    await proxy.stop();
    await chain.stop();
  }
});

Deno.test("chain view: an older commitment read never overwrites a newer event", async () => {
  const chain = await startTestChain();
  const proxy = startRpcProxy(chain.rpcUrl);
  const roomId = await createRoom(chain, 1);
  const k1 = makeKeys(chain, roomId);
  const k2 = makeKeys(chain, roomId);
  await commit(chain, 1, roomId, k1);
  const member = chain.walletClient(1).account.address;
  const view = await viewOf(chain, proxy.url);
  try {
    let held = false;
    proxy.intercept = (calls) => {
      if (held || !calls.some((c) => c.method === "eth_call")) return undefined;
      held = true; // only the first read: it answers k1 late
      return { holdMs: 1500 };
    };
    const stale = view.commitment(roomId, member);
    await new Promise((r) => setTimeout(r, 200));
    await commit(chain, 1, roomId, k2);
    const k2Stored = storedCommitment(k2.commitmentOf(chain.walletClient(1).account.address));
    await until(
      async () => (await view.commitment(roomId, member))?.commitment === k2Stored,
      "k2 is known",
    );
    await stale;
    assert.equal((await view.commitment(roomId, member))?.commitment, k2Stored);
  } finally {
    await view.stop();
    await proxy.stop();
    await chain.stop();
  }
});

Deno.test("chain view: a reorg (evm_snapshot / evm_revert) undoes what the lost blocks said", async () => {
  const chain = await startTestChain();
  const view = await viewOf(chain, chain.rpcUrl);
  const rpc = (method: string, params: unknown[] = []) =>
    chain.publicClient.request({ method, params } as never) as Promise<unknown>;
  try {
    const roomId = await createRoom(chain, 1);
    const k1 = makeKeys(chain, roomId);
    const k2 = makeKeys(chain, roomId);
    await commit(chain, 1, roomId, k1);
    const member = chain.walletClient(1).account.address;
    const [s1, s2] = [k1, k2].map((k) => storedCommitment(k.commitmentOf(member)));
    await until(
      async () => (await view.commitment(roomId, member))?.commitment === s1,
      "k1 is known",
    );

    const snapshot = await rpc("evm_snapshot");
    await commit(chain, 1, roomId, k2);
    await closeRoom(chain, 1, roomId);
    await until(async () => {
      const room = await view.room(roomId);
      return room?.closed === true && (await view.commitment(roomId, member))?.commitment === s2;
    }, "the view saw k2 and the close");

    assert.equal(await rpc("evm_revert", [snapshot]), true);
    for (let i = 0; i < 3; i++) await rpc("evm_mine"); // another branch, longer than the lost one
    await until(async () => {
      const room = await view.room(roomId);
      return room?.closed === false && (await view.commitment(roomId, member))?.commitment === s1;
    }, "the view forgot the reorged k2 and close");
    // The chain agrees.
    assert.equal(
      (await readCommitment(chain.publicClient as PublicClient, chain.registry, roomId, member))
        ?.commitment,
      s1,
    );
  } finally {
    await view.stop();
    await chain.stop();
  }
});
