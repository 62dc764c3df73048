import assert from "node:assert/strict";
import { rawUpgrade, readUntilClosed, wsFrame } from "../../../testing/raw_ws.ts";
import {
  commitEach,
  createRoom,
  join,
  type RunningServer,
  signIn,
} from "../../../testing/server.ts";
import { startSignalingBed } from "../../../testing/signaling_bed.ts";
import { waitUntil } from "../../../testing/wait_until.ts";
import type { HubStats } from "./hub.ts";

const enc = new TextEncoder();
const EMPTY: HubStats = {
  sockets: 0,
  ending: 0,
  rooms: 0,
  members: 0,
  pairs: 0,
  pending: 0,
  ips: 0,
  addresses: 0,
};

/** Writes `bytes` one per `everyMs` until done or the connection fails (bounded by length). */
function trickle(conn: Deno.TcpConn, bytes: Uint8Array, everyMs: number): Promise<number> {
  return (async () => {
    let sent = 0;
    for (const b of bytes) {
      try {
        await conn.write(new Uint8Array([b]));
      } catch {
        return sent;
      }
      sent++;
      await new Promise((r) => setTimeout(r, everyMs));
    }
    return sent;
  })();
}

/** Waits (bounded) until `done(stats)` holds; returns the hub's stats. */
function settled(srv: RunningServer, done: (s: HubStats) => boolean): Promise<HubStats> {
  return waitUntil(() => srv.server.hub.stats(), done);
}

Deno.test("slow-loris: silent and trickling WebSockets are dropped", async (t) => {
  const bed = await startSignalingBed({
    env: {
      MESH3_JOIN_TIMEOUT_MS: "2000",
      MESH3_PING_INTERVAL_SECONDS: "2",
      MESH3_MAX_SOCKETS_PER_ADDRESS: "2",
    },
  });
  const { chain, srv } = bed;
  const conns: Deno.TcpConn[] = [];
  try {
    const roomId = await createRoom(chain, 1);
    await commitEach(chain, roomId, [1, 2, 4]); // joins need a commitment
    const s1 = await signIn(srv.base, chain, 1);
    const s2 = await signIn(srv.base, chain, 2);
    const s3 = await signIn(srv.base, chain, 3);

    await t.step("behavior: a socket that never sends is closed at the join timeout", async () => {
      const conn = await rawUpgrade(srv.base, s1.cookie);
      conns.push(conn);
      const end = await readUntilClosed(conn, 15_000, { closeFrame: true });
      assert.equal(end.closeCode, 1008);
      // Out of every room at once; its TCP connection lingers (the client never answers the
      // close) and keeps its place in the caps until it ends.
      assert.deepEqual(
        await settled(srv, (s) => s.sockets === 0),
        { ...EMPTY, ending: 1, ips: 1, addresses: 1 },
      );
      conn.close();
      conns.pop();
      assert.deepEqual(await settled(srv, (s) => s.ending === 0), EMPTY);
    });

    await t.step(
      "behavior: a socket trickling its join one byte per second is closed at the join timeout",
      async () => {
        const conn = await rawUpgrade(srv.base, s1.cookie);
        conns.push(conn);
        const frame = wsFrame(enc.encode(JSON.stringify({ v: 1, type: "join", roomId })));
        const writing = trickle(conn, frame, 1000);
        const end = await readUntilClosed(conn, 15_000, { closeFrame: true });
        assert.equal(end.closeCode, 1008);
        assert.equal((await settled(srv, (s) => s.sockets === 0)).sockets, 0);
        conn.close();
        conns.pop();
        const sent = await writing;
        assert.ok(sent < frame.length, `the whole frame went through (${sent} bytes)`);
        assert.deepEqual(await settled(srv, (s) => s.ending === 0), EMPTY);
      },
    );

    await t.step(
      "regression: sockets closed by the server count in the caps until their TCP ends",
      async () => {
        // Pings far apart: the connections linger as long as their clients keep them.
        const slowBed = await startSignalingBed({
          chain,
          env: {
            MESH3_JOIN_TIMEOUT_MS: "500",
            MESH3_PING_INTERVAL_SECONDS: "60",
            MESH3_MAX_SOCKETS_PER_ADDRESS: "2",
          },
        });
        const slow = slowBed.srv;
        try {
          const s = await signIn(slow.base, chain, 3);
          const lingering: Deno.TcpConn[] = [];
          for (let i = 0; i < 2; i++) {
            const conn = await rawUpgrade(slow.base, s.cookie);
            conns.push(conn);
            lingering.push(conn);
            const end = await readUntilClosed(conn, 15_000, { closeFrame: true });
            assert.equal(end.closeCode, 1008);
          }
          await assert.rejects(rawUpgrade(slow.base, s.cookie), /429/);
          for (const c of lingering) c.close();
          await settled(slow, (st) => st.ending === 0);
          conns.push(await rawUpgrade(slow.base, s.cookie));
        } finally {
          await slowBed.close();
        }
      },
    );

    await t.step(
      "behavior: a closed socket whose client never ends it is cut at a missed ping",
      async () => {
        const conn = await rawUpgrade(srv.base, s3.cookie);
        conns.push(conn);
        assert.equal((await readUntilClosed(conn, 15_000, { closeFrame: true })).closeCode, 1008);
        // The client answers neither the close nor the pings: the server ends the connection.
        assert.equal((await readUntilClosed(conn, 15_000)).eof, true);
        assert.deepEqual(await settled(srv, (st) => st.ending === 0 && st.sockets === 0), EMPTY);
      },
    );

    await t.step(
      "behavior: a joined socket trickling a frame answers no ping and is dropped",
      async () => {
        const watcher = await bed.open(s2.cookie);
        await join(watcher, roomId);
        const conn = await rawUpgrade(srv.base, s1.cookie);
        conns.push(conn);
        await conn.write(wsFrame(enc.encode(JSON.stringify({ v: 1, type: "join", roomId }))));
        await watcher.next("presence", (p) => p.state === "joined");
        // A frame that announces 60,000 bytes and gets one per second: never complete.
        const payload = enc.encode(`{"v":1,"type":"ping","ref":"${"x".repeat(59_970)}"}`);
        const frame = wsFrame(payload);
        const writing = trickle(conn, frame, 1000);
        const left = await watcher.next("presence", (p) => p.state === "left", 20_000);
        assert.equal(left.address, s1.account.address);
        const end = await readUntilClosed(conn, 15_000);
        assert.equal(end.eof, true);
        assert.ok((await writing) < frame.length);
        // The watcher answers pings by itself and stays.
        watcher.send({ v: 1, type: "ping", ref: "alive" });
        assert.equal((await watcher.next("pong")).ref, "alive");
      },
    );
    await t.step("regression: a silent socket whose session expired is closed", async () => {
      const short = await startSignalingBed({ chain, env: { MESH3_SESSION_TTL_SECONDS: "1" } });
      try {
        const { c } = await short.connect(4);
        await join(c, roomId);
        await new Promise((r) => setTimeout(r, 1100));
        short.srv.server.sessions.sweep(); // what the server's minute timer does
        assert.equal(await c.error(), "unauthorized");
        assert.equal(await c.closed(), 1008);
      } finally {
        await short.close();
      }
    });
  } finally {
    for (const c of conns) {
      try {
        c.close();
      } catch {
        // already closed by the server
      }
    }
    await bed.close();
  }
});
