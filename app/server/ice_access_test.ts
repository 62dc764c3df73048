/**
 * `/api/ice` hands TURN credentials only to a member with a socket in a live room (issue 10,
 * item 9), against the real server and chain.
 */
import assert from "node:assert/strict";
import { startTestChain } from "../../testing/chain.ts";
import { closeRoom, createRoom, memberSocket, signIn, startServer } from "../../testing/server.ts";

Deno.test("GET /api/ice: credentials only for a member's socket in a live room, rate-limited", async (t) => {
  const chain = await startTestChain();
  const srv = await startServer(chain, {
    MESH3_TURN_SECRET: "s".repeat(32),
    MESH3_TURN_URLS: "turn:127.0.0.1:3478",
    MESH3_ICE_PER_MINUTE_PER_ADDRESS: "4",
  });
  const ice = async (cookie: string, room?: string) => {
    const res = await fetch(`${srv.base}/api/ice${room ? `?room=${room}` : ""}`, {
      headers: { cookie },
    });
    const body = await res.json();
    return { status: res.status, code: body.code as string | undefined, body };
  };
  try {
    const member = await memberSocket(srv, chain, 1);

    await t.step("behavior: a member's socket in the room gets TURN credentials", async () => {
      const r = await ice(member.cookie, member.roomId);
      assert.equal(r.status, 200);
      assert.match(r.body.iceServers[0].username, /^\d+:0x/);
    });

    await t.step("error: signed in but in no room: refused, no credentials", async () => {
      const { cookie } = await signIn(srv.base, chain, 2);
      const r = await ice(cookie, member.roomId);
      assert.deepEqual([r.status, r.code, r.body.iceServers], [403, "not-in-room", undefined]);
      assert.match(r.body.error, /^Cannot give ICE servers: join the room/);
      assert.deepEqual([(await ice(cookie)).status, (await ice(cookie)).code], [
        400,
        "bad-request",
      ]);
    });

    await t.step("error: rate-limited per address", async () => {
      const codes = [];
      for (let i = 0; i < 5; i++) codes.push((await ice(member.cookie, member.roomId)).status);
      // One was taken by the first step: three more pass, then 429.
      assert.deepEqual(codes, [200, 200, 200, 429, 429]);
    });

    await t.step("error: once the room is closed, the member is out and refused", async () => {
      const other = await memberSocket(srv, chain, 3, await createRoom(chain, 3));
      assert.equal((await ice(other.cookie, other.roomId)).status, 200);
      await closeRoom(chain, 3, other.roomId);
      assert.equal(await other.c.error(10_000), "room-closed");
      assert.deepEqual(
        [
          (await ice(other.cookie, other.roomId)).status,
          (await ice(other.cookie, other.roomId)).code,
        ],
        [403, "not-in-room"],
      );
      await other.c.close();
    });
    await member.c.close();
  } finally {
    await srv.stop();
    await chain.stop();
  }
});
