import assert from "node:assert/strict";
import type { Hex } from "viem";
import { startTestChain } from "../../../testing/chain.ts";
import {
  Client,
  commit,
  createRoom,
  join,
  makeKeys,
  ORIGIN,
  type RunningServer,
  signIn,
  startServer,
  UNLIMITED_READS,
} from "../test_kit.ts";

/** Status of a /ws upgrade attempt made over plain HTTP (refusals come back before the 101). */
async function upgradeStatus(srv: RunningServer, cookie: string): Promise<number> {
  const res = await fetch(srv.base + "/ws", {
    headers: {
      upgrade: "websocket",
      connection: "Upgrade",
      "sec-websocket-version": "13",
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      origin: ORIGIN,
      cookie,
    },
  });
  await res.body?.cancel();
  return res.status;
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
  const port = Number(new URL(srv.base).port);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const enc = new TextEncoder();
  await conn.write(enc.encode(
    `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n` +
      `Origin: ${ORIGIN}\r\nCookie: ${cookie}\r\n\r\n`,
  ));
  const buf = new Uint8Array(4096);
  let head = "";
  for (let i = 0; i < 20 && !head.includes("\r\n\r\n"); i++) {
    const n = await conn.read(buf);
    if (n === null) break;
    head += new TextDecoder().decode(buf.subarray(0, n));
  }
  assert.match(head, /^HTTP\/1\.1 101/);
  // One masked text frame (RFC 6455 section 5.2), payload < 126 bytes.
  const payload = enc.encode(JSON.stringify({ v: 1, type: "join", roomId }));
  const mask = crypto.getRandomValues(new Uint8Array(4));
  const frame = new Uint8Array(2 + 4 + payload.length);
  frame.set([0x81, 0x80 | payload.length, ...mask]);
  payload.forEach((b, i) => frame[6 + i] = b ^ mask[i % 4]);
  await conn.write(frame);
  return conn;
}

Deno.test("limits: caps, timeouts, rate limits and slow readers", async (t) => {
  const chain = await startTestChain();
  const srv = await startServer(chain, {
    MESH3_MAX_PEERS_PER_ROOM: "2",
    MESH3_MAX_ROOMS_PER_SOCKET: "1",
    MESH3_MAX_SOCKETS_PER_ADDRESS: "2",
    MESH3_MAX_SOCKETS_PER_IP: "5",
    MESH3_JOIN_TIMEOUT_MS: "1500",
    MESH3_RATE_PER_SECOND: "5",
    MESH3_RATE_BURST: "10",
    MESH3_MAX_STRIKES: "20",
  });
  const clients: Client[] = [];
  const open = async (cookie: string) => {
    const c = await Client.connect(srv.wsUrl, cookie);
    clients.push(c);
    return c;
  };
  try {
    const roomId = await createRoom(chain, 1);
    const other = await createRoom(chain, 1);
    const third = await createRoom(chain, 1);
    const s1 = await signIn(srv.base, chain, 1);
    const s2 = await signIn(srv.base, chain, 2);
    const s3 = await signIn(srv.base, chain, 3);
    const a = await open(s1.cookie);
    const b = await open(s2.cookie);
    const c = await open(s3.cookie);
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
      assert.equal(await upgradeStatus(srv, s1.cookie), 429); // third for account 1
      const s4 = await signIn(srv.base, chain, 4);
      const d = await open(s4.cookie); // fifth socket from 127.0.0.1
      await join(d, third);
      assert.equal(await upgradeStatus(srv, s4.cookie), 429); // sixth from this IP
      await a2.close();
      await d.close();
      // Freed slots can be used again (bounded wait for the server to see the closes).
      let status = 429;
      for (let i = 0; i < 20 && status === 429; i++) {
        status = await upgradeStatus(srv, s4.cookie);
        if (status === 429) await new Promise((r) => setTimeout(r, 50));
      }
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
    for (const c of clients) await c.close();
    await srv.stop();
  }

  await t.step(
    "behavior: a socket that does not read is closed at the send-buffer cap (1013)",
    async () => {
      const fast = await startServer(chain, {
        MESH3_RATE_PER_SECOND: "100000",
        MESH3_RATE_BURST: "100000",
        MESH3_MAX_SEND_BUFFER_BYTES: "65536",
        ...UNLIMITED_READS,
      });
      let stalled: Deno.TcpConn | undefined;
      let sender: Client | undefined;
      try {
        const roomId = await createRoom(chain, 5);
        const keys = makeKeys(chain, roomId);
        await commit(chain, 5, roomId, keys);
        const s5 = await signIn(fast.base, chain, 5);
        const s6 = await signIn(fast.base, chain, 6);
        sender = await Client.connect(fast.wsUrl, s5.cookie);
        await join(sender, roomId);
        stalled = await stalledClient(fast, s6.cookie, roomId);
        await sender.next("presence", (p) => p.state === "joined");
        const victim = s6.account.address;
        const sdp = keys.sdp + `a=x-pad:${"p".repeat(40_000)}\r\n`;
        let gone = false;
        // Bounded: at most 1,000 offers of ~40 KB (40 MB) before the server must have given up.
        for (let i = 0; i < 1000 && !gone; i++) {
          sender.send({ v: 1, type: "offer", to: victim, roomId, publicKey: keys.publicKey, sdp });
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
        await sender?.close();
        await fast.stop();
      }
    },
  );

  await t.step("behavior: a socket that answers no ping is dropped", async () => {
    const pinging = await startServer(chain, { MESH3_PING_INTERVAL_SECONDS: "1" });
    let silent: Deno.TcpConn | undefined;
    let watcher: Client | undefined;
    try {
      const roomId = await createRoom(chain, 7);
      watcher = await Client.connect(pinging.wsUrl, (await signIn(pinging.base, chain, 7)).cookie);
      await join(watcher, roomId);
      // The raw client never reads, so it never answers Deno's pings.
      silent = await stalledClient(pinging, (await signIn(pinging.base, chain, 8)).cookie, roomId);
      await watcher.next("presence", (p) => p.state === "joined");
      const left = await watcher.next("presence", (p) => p.state === "left", 10_000);
      assert.equal(left.state, "left");
      // The watcher answers pings (browsers and Deno do it by themselves) and stays.
      watcher.send({ v: 1, type: "ping", ref: "alive" });
      assert.equal((await watcher.next("pong")).ref, "alive");
    } finally {
      silent?.close();
      await watcher?.close();
      await pinging.stop();
    }
  });
  await chain.stop();
});
