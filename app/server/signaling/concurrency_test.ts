import assert from "node:assert/strict";
import type { Hex } from "viem";
import {
  commit,
  createRoom,
  join,
  makeKeys,
  signIn,
  type TestKeys,
  UNLIMITED_READS,
} from "../../../testing/server.ts";
import { startSignalingBed } from "../../../testing/signaling_bed.ts";
import { waitUntil } from "../../../testing/wait_until.ts";

const ROOMS = 100;
const ACCOUNTS = 20;
const ICE_EACH = 5;

Deno.test("signaling: 100 rooms signalling at once lose and misroute nothing", async () => {
  const bed = await startSignalingBed({
    env: {
      MESH3_MAX_ROOMS_PER_SOCKET: "20",
      MESH3_RATE_PER_SECOND: "1000",
      MESH3_RATE_BURST: "1000",
      ...UNLIMITED_READS,
    },
  });
  const { chain, srv, clients } = bed;
  try {
    // Room r pairs accounts a = r mod 20 and b = (a + 1 + floor(r / 20)) mod 20.
    const pairs = Array.from({ length: ROOMS }, (_, r) => {
      const a = r % ACCOUNTS;
      return { a, b: (a + 1 + Math.floor(r / ACCOUNTS)) % ACCOUNTS };
    });
    const rooms: Hex[] = new Array(ROOMS);
    const keys = new Map<string, TestKeys>();
    // Transactions: in order per account (nonces), accounts in parallel.
    await Promise.all(Array.from({ length: ACCOUNTS }, async (_, acc) => {
      for (let r = acc; r < ROOMS; r += ACCOUNTS) rooms[r] = await createRoom(chain, acc);
    }));
    await Promise.all(Array.from({ length: ACCOUNTS }, async (_, acc) => {
      for (let r = 0; r < ROOMS; r++) {
        if (pairs[r].a !== acc && pairs[r].b !== acc) continue;
        const k = makeKeys(chain, rooms[r]);
        keys.set(`${r}:${acc}`, k);
        await commit(chain, acc, rooms[r], k);
      }
    }));
    const sessions = await Promise.all(
      Array.from({ length: ACCOUNTS }, (_, i) => signIn(srv.base, chain, i)),
    );
    const sockets = await Promise.all(sessions.map((s) => bed.open(s.cookie)));
    const address = sessions.map((s) => s.account.address);
    for (let r = 0; r < ROOMS; r++) {
      await join(sockets[pairs[r].a], rooms[r]);
      await join(sockets[pairs[r].b], rooms[r]);
    }

    // Every a offers (and trickles) at once; every b answers (and trickles) when its offer lands.
    const send = (acc: number, type: string, r: number, to: number) => {
      const k = keys.get(`${r}:${acc}`)!;
      sockets[acc].send({
        v: 1,
        type,
        to: address[to],
        roomId: rooms[r],
        publicKey: k.publicKey,
        kemKey: k.kemKey,
        sdp: k.sdp,
      });
      for (let i = 0; i < ICE_EACH; i++) {
        sockets[acc].send({
          v: 1,
          type: "ice",
          to: address[to],
          roomId: rooms[r],
          candidate: { candidate: `candidate:${r} ${i}`, sdpMid: "0" },
        });
      }
    };
    for (let r = 0; r < ROOMS; r++) send(pairs[r].a, "offer", r, pairs[r].b);
    await Promise.all(pairs.map(async ({ a, b }, r) => {
      const o = await sockets[b].next("offer", (m) => m.roomId === rooms[r], 20_000);
      assert.equal(o.from, address[a]);
      assert.equal(o.publicKey, keys.get(`${r}:${a}`)!.publicKey);
      send(b, "answer", r, a);
      const ans = await sockets[a].next("answer", (m) => m.roomId === rooms[r], 20_000);
      assert.equal(ans.from, address[b]);
      assert.equal(ans.publicKey, keys.get(`${r}:${b}`)!.publicKey);
      for (const [me, peer] of [[a, b], [b, a]]) {
        for (let i = 0; i < ICE_EACH; i++) {
          const c = await sockets[me].next(
            "ice",
            (m) => m.roomId === rooms[r] && m.candidate?.candidate === `candidate:${r} ${i}`,
            20_000,
          );
          assert.equal(c.from, address[peer]);
        }
      }
    }));
    // Nothing left over: no error, no extra relay anywhere.
    for (const s of sockets) {
      assert.deepEqual(s.messages.filter((m) => m.type !== "presence"), []);
    }
    // Once everyone is gone the server holds no socket and no room.
    for (const c of clients.splice(0)) await c.close();
    const after = await waitUntil(
      () => srv.server.hub.stats(),
      (s) => s.sockets === 0 && s.rooms === 0,
      { tries: 50 },
    );
    assert.equal(after.sockets, 0);
    assert.equal(after.rooms, 0);
  } finally {
    await bed.close();
  }
});
