/**
 * Room squatting and strangers (issue 10, items 2 and 3) against the real server and chain: a
 * join needs a key commitment in every room, so unfunded fresh addresses cannot fill an open
 * room, and a socket that has not committed is never in a room: it is not shown to members and
 * is sent no offer, answer or ICE candidate (members' network addresses).
 */
import assert from "node:assert/strict";
import { generatePrivateKey } from "viem/accounts";
import { startSignalingBed } from "../../../testing/signaling_bed.ts";
import { commit, createRoom, join, makeKeys } from "../../../testing/server.ts";

Deno.test("squat: 16 fresh addresses cannot fill an open room; the member joins", async () => {
  const bed = await startSignalingBed({ env: { MESH3_MAX_PEERS_PER_ROOM: "16" } });
  try {
    const roomId = await createRoom(bed.chain, 1);
    const squatters = [];
    for (let i = 0; i < 16; i++) squatters.push(await bed.connect(generatePrivateKey()));
    for (const s of squatters) {
      s.c.send({ v: 1, type: "join", roomId });
      const e = await s.c.next("error");
      assert.equal(e.code, "no-commitment");
      assert.match(e.message, /^Cannot join: no key commitment from you in this room/);
    }
    assert.equal(bed.srv.server.hub.room(roomId), undefined);
    // The real member committed its keys: it joins, and sees nobody there.
    const member = await bed.connect(2);
    await commit(bed.chain, 2, roomId, makeKeys(bed.chain, roomId));
    assert.deepEqual(await join(member.c, roomId), []);
    assert.equal(bed.srv.server.hub.room(roomId)?.size, 1);
    // The squatters were told nothing about it.
    for (const s of squatters) assert.equal(s.c.messages.length, 0);
  } finally {
    await bed.close();
  }
});

Deno.test("squat: a stranger without a commitment is sent no offer or candidate", async () => {
  const bed = await startSignalingBed();
  try {
    const roomId = await createRoom(bed.chain, 1);
    const keys = makeKeys(bed.chain, roomId);
    await commit(bed.chain, 1, roomId, keys);
    const alice = await bed.connect(1);
    const stranger = await bed.connect(3); // funded, signed in, never committed
    assert.deepEqual(await join(alice.c, roomId), []);
    stranger.c.send({ v: 1, type: "join", roomId });
    assert.equal(await stranger.c.error(), "no-commitment");
    const to = stranger.address.toLowerCase();
    const { publicKey, kemKey, sdp } = keys;
    alice.c.send({ v: 1, type: "offer", to, roomId, publicKey, kemKey, sdp });
    assert.equal(await alice.c.error(), "peer-not-found");
    const candidate = { candidate: "candidate:1 1 udp 1 203.0.113.7 5000 typ host", sdpMid: "0" };
    alice.c.send({ v: 1, type: "ice", to, roomId, candidate });
    assert.equal(await alice.c.error(), "peer-not-found");
    // A ping answered last: everything before it was handled, and the stranger got nothing.
    stranger.c.send({ v: 1, type: "ping" });
    await stranger.c.next("pong");
    assert.deepEqual(stranger.c.messages.map((m) => m.type), []);
  } finally {
    await bed.close();
  }
});
