/**
 * Hostile users against the chain view through real sockets (issue 10, items 1 and 6): made-up
 * rooms and offers without a commitment must not buy upstream reads beyond a budget, one
 * refused read must not refuse everyone, and an offer with keys the member has replaced must
 * not pass before the event poll has seen the new commitment. The server reaches the chain
 * through a counting proxy; clients claim distinct IPs through `X-Forwarded-For` (the server
 * trusts the proxy header in these tests).
 */
import assert from "node:assert/strict";
import { type Hex, toHex } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { startTestChain } from "../../../testing/chain.ts";
import { mentions, startRpcProxy } from "../../../testing/rpc_proxy.ts";
import {
  type Client,
  commit,
  commitEach,
  createRoom,
  join,
  makeKeys,
  signIn,
  UNLIMITED_READS,
} from "../../../testing/server.ts";
import { startSignalingBed } from "../../../testing/signaling_bed.ts";
import { waitUntil } from "../../../testing/wait_until.ts";

const from = (ip: string) => ({ "x-forwarded-for": ip });
const madeUpRoom = (): Hex => toHex(crypto.getRandomValues(new Uint8Array(32)));
/** How long the flood lasts (a load, not an assertion: the bound uses the measured time). */
const FLOOD_MS = 3000;

Deno.test("chain reads: a provider's 429 to one read fails that request only", async () => {
  const chain = await startTestChain();
  const proxy = startRpcProxy(chain.rpcUrl);
  // Published before the server starts and never polled after (60 s): read on demand.
  const roomId = await createRoom(chain, 1);
  const kA = makeKeys(chain, roomId);
  const kB = makeKeys(chain, roomId);
  await commit(chain, 1, roomId, kA);
  await commit(chain, 2, roomId, kB);
  const bed = await startSignalingBed({
    chain,
    env: { MESH3_RPC_URL: proxy.url, MESH3_CHAIN_POLL_MS: "60000", MESH3_TRUST_PROXY: "1" },
  });
  const { srv } = bed;
  try {
    const mallory = await bed.connect(5, from("203.0.113.66"));
    const alice = await bed.connect(1, from("198.51.100.1"));
    const bob = await bed.connect(2, from("198.51.100.2"));
    const doomed = madeUpRoom();
    proxy.intercept = (calls) =>
      calls.some((c) => c.method === "eth_call" && mentions(c, doomed))
        ? { status: 429 }
        : undefined;
    mallory.c.send({ v: 1, type: "join", roomId: doomed });
    assert.equal(await mallory.c.error(), "chain-unavailable");
    assert.ok(proxy.refused >= 1);

    // Before the fix the failed read marked the whole view unhealthy until the next poll.
    const health = await (await fetch(`${srv.base}/api/health`)).json();
    assert.deepEqual(health, { chain: "ok" });
    assert.deepEqual(await join(alice.c, roomId), []);
    await join(bob.c, roomId);
    alice.c.send({
      v: 1,
      type: "offer",
      to: bob.address,
      roomId,
      publicKey: kA.publicKey,
      kemKey: kA.kemKey,
      sdp: kA.sdp,
    });
    assert.equal((await bob.c.next("offer")).from, alice.address);
  } finally {
    await bed.close();
    await proxy.stop();
    await chain.stop();
  }
});

Deno.test("chain reads: a flood of made-up rooms, uncommitted joins and offers stays within the IP's budget", async () => {
  const chain = await startTestChain();
  const proxy = startRpcProxy(chain.rpcUrl);
  const BURST = 10;
  const other = await createRoom(chain, 2); // before start-up: known only by reading
  await commitEach(chain, other, [1]); // joins need a commitment
  const bed = await startSignalingBed({
    chain,
    env: {
      MESH3_RPC_URL: proxy.url,
      MESH3_TRUST_PROXY: "1",
      MESH3_CHAIN_READ_BURST_PER_IP: String(BURST),
      MESH3_CHAIN_READS_PER_SECOND_PER_IP: "1",
      MESH3_MAX_SOCKETS_PER_IP: "64",
    },
  });
  const { srv, clients } = bed;
  try {
    const roomId = await createRoom(chain, 1);
    const kA = makeKeys(chain, roomId);
    await commit(chain, 1, roomId, kA);
    // The one the offers are for, in the room (from another IP).
    const { c: v, address: victimAddress } = await bed.connect(1, from("198.51.100.1"));
    await join(v, roomId);
    // Free keys from one IP, a socket each (one address's sockets would replace each other in
    // the room).
    const attackers = [];
    for (let i = 0; i < 12; i++) {
      attackers.push(await signIn(srv.base, chain, generatePrivateKey(), from("203.0.113.66")));
    }
    const reads0 = proxy.count("eth_call");
    const polls = () => proxy.count("eth_getBlockByNumber") + proxy.count("eth_getLogs");
    const polls0 = polls();
    const t0 = performance.now();
    // For FLOOD_MS every attacker socket sends joins of made-up rooms, a join without a
    // commitment and offers (refused: not in the room) as fast as its rate limit lets it, and reconnects when dropped for its strikes.
    let frames = 0, rounds = 0, drops = 0;
    await Promise.all(attackers.map(async (a) => {
      // Bounded by time and by count.
      for (let round = 0; round < 1000 && performance.now() - t0 < FLOOD_MS; round++) {
        const c = await bed.open(a.cookie, from("203.0.113.66"));
        for (let n = 0; n < 20; n++) c.send({ v: 1, type: "join", roomId: madeUpRoom() });
        // Refused for want of a commitment (a strike each), so the offers find no room.
        for (let n = 0; n < 20; n++) c.send({ v: 1, type: "join", roomId });
        for (let n = 0; n < 20; n++) {
          c.send({
            v: 1,
            type: "offer",
            to: victimAddress,
            roomId,
            publicKey: kA.publicKey,
            kemKey: kA.kemKey,
            sdp: kA.sdp,
          });
        }
        frames += 60;
        rounds++;
        // Refusals that cost reads are strikes: the socket is dropped (1008).
        if (await c.closed(5000).catch(() => 0) === 1008) drops++;
        await c.close();
        clients.splice(clients.indexOf(c), 1);
      }
    }));
    const seconds = (performance.now() - t0) / 1000;
    const reads = proxy.count("eth_call") - reads0;
    console.log(
      `flood: ${frames} frames from one IP in ${seconds.toFixed(2)} s, ${drops} sockets dropped ` +
        `for strikes; ${reads} upstream eth_call = ${(reads / seconds).toFixed(1)} per flood ` +
        `second, and ${polls() - polls0} poll calls (timed and on-demand, whole server)`,
    );
    assert.ok(reads <= BURST + Math.ceil(seconds) + 1, `${reads} reads in ${seconds} s`);
    assert.equal(drops, rounds);

    // Another IP is untouched by the flood: it still reads the chain (a room not cached yet).
    v.send({ v: 1, type: "join", roomId: other });
    await v.next("joined", (m) => m.roomId === other);
    assert.deepEqual(v.messages.filter((m) => m.type === "offer" || m.type === "error"), []);
  } finally {
    await bed.close();
    await proxy.stop();
    await chain.stop();
  }
});

Deno.test("chain reads: made-up rooms, missing and wrong commitments are strikes", async (t) => {
  const bed = await startSignalingBed({ env: { MESH3_MAX_STRIKES: "5", ...UNLIMITED_READS } });
  const { chain, srv } = bed;
  try {
    const roomId = await createRoom(chain, 1);
    const kB = makeKeys(chain, roomId);
    await commit(chain, 2, roomId, kB);
    const { c: b, address: bob } = await bed.connect(2);
    await join(b, roomId);
    const open = async () => (await bed.connect(3)).c;
    const cases: [string, (c: Client) => Promise<void>, () => unknown, string][] = [
      [
        "made-up rooms",
        async () => {},
        () => ({ v: 1, type: "join", roomId: madeUpRoom() }),
        "room-not-found",
      ],
      // An uncommitted socket never gets in the room, so it cannot send offers at all.
      [
        "joins without a commitment",
        async () => {},
        () => ({ v: 1, type: "join", roomId }),
        "no-commitment",
      ],
    ];
    for (const [name, before, frame, code] of cases) {
      await t.step(`error: ${name} close the socket after the strike limit (1008)`, async () => {
        const c = await open();
        await before(c);
        for (let i = 0; i < 6; i++) c.send(frame());
        for (let i = 0; i < 6; i++) assert.equal(await c.error(), code);
        assert.equal(await c.closed(), 1008);
      });
    }
    await t.step(
      "error: offers with keys that are not the committed ones are strikes",
      async () => {
        const k3 = makeKeys(chain, roomId);
        await commit(chain, 3, roomId, k3);
        // The step before left "no commitment" cached; the KeyCommitted event ends it.
        const member = (await signIn(srv.base, chain, 3)).account.address;
        await waitUntil(() => srv.server.view.commitment(roomId, member), Boolean);
        const c = await open();
        await join(c, roomId);
        const wrong = makeKeys(chain, roomId);
        for (let i = 0; i < 6; i++) {
          c.send({
            v: 1,
            type: "offer",
            to: bob,
            roomId,
            publicKey: wrong.publicKey,
            kemKey: wrong.kemKey,
            sdp: wrong.sdp,
          });
        }
        for (let i = 0; i < 6; i++) assert.equal(await c.error(), "commitment-mismatch");
        assert.equal(await c.closed(), 1008);
      },
    );
  } finally {
    await bed.close();
  }
});

Deno.test("chain reads: an offer with replaced keys is refused before the poll sees the new commitment", async () => {
  // The server polls once at start and then not for a minute: it learns of the re-commit only
  // by the relay check's on-demand poll.
  const bed = await startSignalingBed({ env: { MESH3_CHAIN_POLL_MS: "60000" } });
  const { chain } = bed;
  try {
    const roomId = await createRoom(chain, 1);
    const k1 = makeKeys(chain, roomId);
    const k2 = makeKeys(chain, roomId);
    const [kB, kC] = [makeKeys(chain, roomId), makeKeys(chain, roomId)];
    await commit(chain, 1, roomId, k1);
    await commit(chain, 2, roomId, kB);
    await commit(chain, 3, roomId, kC);
    const { c: a } = await bed.connect(1);
    const { c: b, address: bob } = await bed.connect(2);
    const { c: c, address: carol } = await bed.connect(3);
    for (const x of [a, b, c]) await join(x, roomId);
    const offer = (k: typeof k1, to: string) => ({
      v: 1,
      type: "offer",
      to,
      roomId,
      publicKey: k.publicKey,
      kemKey: k.kemKey,
      sdp: k.sdp,
    });
    a.send(offer(k1, bob));
    await b.next("offer");
    await commit(chain, 1, roomId, k2); // alice replaces her keys
    // A first description to carol with the old keys waits for a poll: refused at once.
    a.send(offer(k1, carol));
    assert.equal(await a.error(), "commitment-mismatch");
    // That poll caught the view up: the old keys are refused on the pair to bob too (a
    // renegotiation there is compared with the view as it stands, docs/PROTOCOL.md section 6).
    a.send(offer(k1, bob));
    assert.equal(await a.error(), "commitment-mismatch");
    a.send(offer(k2, bob));
    assert.equal((await b.next("offer")).publicKey, k2.publicKey);
    assert.deepEqual(b.messages.filter((m) => m.type === "offer"), []);
    assert.deepEqual(c.messages.filter((m) => m.type === "offer"), []);
  } finally {
    await bed.close();
  }
});

Deno.test("chain reads: a renegotiation with the pair's verified keys waits for no poll; other keys do", async () => {
  const chain = await startTestChain();
  const proxy = startRpcProxy(chain.rpcUrl);
  const roomId = await createRoom(chain, 1);
  const [kA, kB] = [makeKeys(chain, roomId), makeKeys(chain, roomId)];
  await commit(chain, 1, roomId, kA);
  await commit(chain, 2, roomId, kB);
  // No timed poll during the test: every poll counted is an on-demand one.
  const bed = await startSignalingBed({
    chain,
    env: { MESH3_RPC_URL: proxy.url, MESH3_CHAIN_POLL_MS: "60000" },
  });
  try {
    const { c: a, address: alice } = await bed.connect(1);
    const { c: b, address: bob } = await bed.connect(2);
    await join(a, roomId);
    await join(b, roomId);
    const describe = (type: "offer" | "answer", k: typeof kA, to: string, sdp = k.sdp) => ({
      v: 1,
      type,
      to,
      roomId,
      publicKey: k.publicKey,
      kemKey: k.kemKey,
      sdp,
    });
    const polls = () => proxy.count("eth_getBlockByNumber");
    const p0 = polls();
    a.send(describe("offer", kA, bob));
    await b.next("offer");
    b.send(describe("answer", kB, alice));
    await a.next("answer");
    const p1 = polls();
    assert.ok(p1 > p0, "a first offer and answer wait for an on-demand poll");
    // A call's renegotiation: more sections, the same keys and fingerprint, either way round.
    const media = "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
    a.send(describe("offer", kA, bob, kA.sdp + media));
    assert.equal((await b.next("offer")).sdp, kA.sdp + media);
    b.send(describe("answer", kB, alice, kB.sdp + media));
    await a.next("answer");
    b.send(describe("offer", kB, alice, kB.sdp + media));
    await a.next("offer");
    assert.equal(polls(), p1, "the renegotiation waited for a poll");

    // Another fingerprint is other keys: the full check, with its poll, and refused.
    const other = makeKeys(chain, roomId);
    a.send(describe("offer", { ...kA, sdp: other.sdp }, bob));
    assert.equal(await a.error(), "commitment-mismatch");
    assert.ok(polls() > p1);
    // Another public key the same (a's socket is dropped after enough strikes: one is fine).
    b.send(describe("offer", { ...kB, publicKey: other.publicKey }, alice));
    assert.equal(await b.error(), "commitment-mismatch");
    assert.deepEqual(a.messages.filter((m) => m.type === "offer"), []);
    assert.deepEqual(b.messages.filter((m) => m.type === "offer"), []);
  } finally {
    await bed.close();
    await proxy.stop();
    await chain.stop();
  }
});

Deno.test("chain reads: a join beside another member starts a poll, before any description", async () => {
  const chain = await startTestChain();
  const proxy = startRpcProxy(chain.rpcUrl);
  const roomId = await createRoom(chain, 1);
  await commit(chain, 1, roomId, makeKeys(chain, roomId));
  // No timed poll after start-up: any later poll is one the server asked for.
  const bed = await startSignalingBed({
    chain,
    env: { MESH3_RPC_URL: proxy.url, MESH3_CHAIN_POLL_MS: "60000" },
  });
  try {
    const alice = await bed.connect(1);
    const bob = await bed.connect(2);
    // Bob's commitment comes in a block the server has not polled.
    await commit(chain, 2, roomId, makeKeys(chain, roomId));
    await join(alice.c, roomId); // alone: nobody to describe to, no poll
    const polls = proxy.count("eth_getLogs");
    await join(bob.c, roomId);
    const after = await waitUntil(() => proxy.count("eth_getLogs"), (n) => n > polls);
    assert.ok(after > polls, "a poll read the new blocks");
  } finally {
    await bed.close();
    await proxy.stop();
    await chain.stop();
  }
});
