import assert from "node:assert/strict";
import type { Hex } from "viem";
import { startTestChain } from "../../../testing/chain.ts";
import { rawUpgrade, UPGRADE_HEADERS, upgradeStatus, wsFrame } from "../../../testing/raw_ws.ts";
import {
  commit,
  commitEach,
  createRoom,
  join,
  makeKeys,
  ORIGIN,
  type RunningServer,
  signIn,
  UNLIMITED_READS,
} from "../../../testing/server.ts";
import { startSignalingBed } from "../../../testing/signaling_bed.ts";
import { waitUntil } from "../../../testing/wait_until.ts";

/** Status of a /ws upgrade attempt with a session cookie. */
function upgradeWith(srv: RunningServer, cookie: string): Promise<number> {
  return upgradeStatus(srv.base, { ...UPGRADE_HEADERS, origin: ORIGIN, cookie });
}

/**
 * A WebSocket client over raw TCP that joins a room and then never reads: a slow reader whose
 * unsent bytes pile up on the server.
 */
async function stalledClient(
  srv: RunningServer,
  cookie: string,
  roomId: Hex,
): Promise<Deno.TcpConn> {
  const conn = await rawUpgrade(srv.base, cookie);
  await conn.write(
    wsFrame(new TextEncoder().encode(JSON.stringify({ v: 1, type: "join", roomId }))),
  );
  return conn;
}

Deno.test("limits: caps, timeouts, rate limits and slow readers", async (t) => {
  const chain = await startTestChain();
  const bed = await startSignalingBed({
    chain,
    env: {
      MESH3_MAX_PEERS_PER_ROOM: "2",
      MESH3_MAX_ROOMS_PER_SOCKET: "1",
      MESH3_MAX_SOCKETS_PER_ADDRESS: "2",
      MESH3_MAX_SOCKETS_PER_IP: "5",
      MESH3_JOIN_TIMEOUT_MS: "1500",
      MESH3_RATE_PER_SECOND: "5",
      MESH3_RATE_BURST: "10",
      MESH3_MAX_STRIKES: "20",
    },
  });
  const { srv, open } = bed;
  try {
    const roomId = await createRoom(chain, 1);
    const other = await createRoom(chain, 1);
    const third = await createRoom(chain, 1);
    // Joins need a commitment.
    await commitEach(chain, roomId, [1, 2, 3]);
    await commitEach(chain, other, [1, 3]);
    await commitEach(chain, third, [4]);
    const { c: a, ...s1 } = await bed.connect(1);
    const { c: b } = await bed.connect(2);
    const { c, ...s3 } = await bed.connect(3);
    await join(a, roomId);
    await join(b, roomId);

    await t.step("error: room full", async () => {
      c.send({ v: 1, type: "join", roomId });
      assert.equal(await c.error(), "room-full");
    });

    await t.step("error: too many rooms per socket", async () => {
      a.send({ v: 1, type: "join", roomId: other });
      assert.equal(await a.error(), "too-many-rooms");
      await join(c, other); // c is in no room yet
    });

    await t.step("error: too many sockets per address, then per IP", async () => {
      const a2 = await open(s1.cookie);
      await join(a2, other);
      assert.equal(await upgradeWith(srv, s1.cookie), 429); // third for account 1
      const s4 = await signIn(srv.base, chain, 4);
      const d = await open(s4.cookie); // fifth socket from 127.0.0.1
      await join(d, third);
      assert.equal(await upgradeWith(srv, s4.cookie), 429); // sixth from this IP
      await a2.close();
      await d.close();
      // Freed slots can be used again (bounded wait for the server to see the closes).
      const status = await waitUntil(() => upgradeWith(srv, s4.cookie), (s) => s !== 429, {
        tries: 20,
        everyMs: 50,
      });
      assert.notEqual(status, 429);
    });

    await t.step("behavior: a socket that joins nothing is closed", async () => {
      const idle = await open(s3.cookie);
      assert.equal(await idle.closed(5000), 1008);
    });

    await t.step("behavior: over the rate the frames are refused, the socket stays", async () => {
      for (let i = 0; i < 25; i++) b.send({ v: 1, type: "ping" });
      b.send({ v: 1, type: "ping", ref: "last" });
      await b.next("error", (e) => e.code === "rate-limited");
      await new Promise((r) => setTimeout(r, 300));
      const pongs = b.messages.filter((m) => m.type === "pong").length;
      assert.ok(pongs >= 10 && pongs < 26, `pongs: ${pongs}`);
      assert.equal(b.closeCode, undefined);
    });

    await t.step("behavior: a flooding socket is dropped, its room mate is not", async () => {
      await new Promise((r) => setTimeout(r, 2000)); // refill b's bucket
      // 40 at once: 10 pass (burst), 30 are refused, more than the 20 strikes allowed.
      for (let i = 0; i < 40; i++) a.send({ v: 1, type: "ping" });
      await a.closed(); // 1008, though a client still sending may see an abnormal close instead
      const last = a.messages.filter((m) => m.type === "error").at(-1);
      assert.equal(
        last?.type === "error" && last.message,
        "Cannot continue: too many refused frames",
      );
      await b.next("presence", (p) => p.state === "left");
      b.messages.length = 0;
      b.send({ v: 1, type: "ping", ref: "ok" });
      assert.equal((await b.next("pong")).ref, "ok");
    });
  } finally {
    await bed.close();
  }

  await t.step(
    "behavior: a socket that does not read is closed at the send-buffer cap (1013)",
    async () => {
      const fast = await startSignalingBed({
        chain,
        env: {
          MESH3_RATE_PER_SECOND: "100000",
          MESH3_RATE_BURST: "100000",
          MESH3_MAX_SEND_BUFFER_BYTES: "65536",
          ...UNLIMITED_READS,
        },
      });
      let stalled: Deno.TcpConn | undefined;
      try {
        const roomId = await createRoom(chain, 5);
        const keys = makeKeys(chain, roomId);
        await commit(chain, 5, roomId, keys);
        await commitEach(chain, roomId, [6]);
        const s5 = await signIn(fast.srv.base, chain, 5);
        const s6 = await signIn(fast.srv.base, chain, 6);
        const sender = await fast.open(s5.cookie);
        await join(sender, roomId);
        stalled = await stalledClient(fast.srv, s6.cookie, roomId);
        await sender.next("presence", (p) => p.state === "joined");
        const victim = s6.account.address;
        const sdp = keys.sdp + `a=x-pad:${"p".repeat(40_000)}\r\n`;
        let gone = false;
        // Bounded: at most 1,000 offers of ~40 KB (40 MB) before the server must have given up.
        for (let i = 0; i < 1000 && !gone; i++) {
          sender.send({
            v: 1,
            type: "offer",
            to: victim,
            roomId,
            publicKey: keys.publicKey,
            kemKey: keys.kemKey,
            sdp,
          });
          if (i % 20 === 19) {
            sender.send({ v: 1, type: "ping" });
            await sender.next("pong");
            gone = sender.messages.some((m) => m.type === "presence" && m.state === "left");
          }
        }
        assert.ok(
          gone,
          `the stalled reader was not dropped: ${JSON.stringify(sender.messages.slice(0, 3))}`,
        );
        // Offers after the drop are refused because the peer is gone; nothing else went wrong.
        const codes = new Set(sender.messages.flatMap((m) => m.type === "error" ? [m.code] : []));
        assert.deepEqual([...codes].filter((c) => c !== "peer-not-found"), []);
      } finally {
        stalled?.close();
        await fast.close();
      }
    },
  );

  await t.step("behavior: a socket that answers no ping is dropped", async () => {
    const pinging = await startSignalingBed({ chain, env: { MESH3_PING_INTERVAL_SECONDS: "1" } });
    let silent: Deno.TcpConn | undefined;
    try {
      const roomId = await createRoom(chain, 7);
      await commitEach(chain, roomId, [7, 8]);
      const watcher = (await pinging.connect(7)).c;
      await join(watcher, roomId);
      // The raw client never reads, so it never answers Deno's pings.
      const cookie = (await signIn(pinging.srv.base, chain, 8)).cookie;
      silent = await stalledClient(pinging.srv, cookie, roomId);
      await watcher.next("presence", (p) => p.state === "joined");
      const left = await watcher.next("presence", (p) => p.state === "left", 10_000);
      assert.equal(left.state, "left");
      // The watcher answers pings (browsers and Deno do it by themselves) and stays.
      watcher.send({ v: 1, type: "ping", ref: "alive" });
      assert.equal((await watcher.next("pong")).ref, "alive");
    } finally {
      silent?.close();
      await pinging.close();
    }
  });
  await chain.stop();
});
