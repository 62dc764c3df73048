import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { startTestChain } from "../../testing/chain.ts";
import type { IceResponse } from "./ice.ts";
import { turnRestCredentials } from "./ice.ts";
import { memberSocket, startServer } from "../../testing/server.ts";

const SECRET = "mesh3-test-shared-secret";

// --- a minimal TURN client (RFC 5389 / RFC 5766), over TCP ------------------------------------
const MAGIC = 0x2112a442;
const ATTR = {
  username: 0x0006,
  integrity: 0x0008,
  errorCode: 0x0009,
  realm: 0x0014,
  nonce: 0x0015,
  relayed: 0x0016,
  transport: 0x0019,
} as const;

function stunMessage(type: number, attrs: [number, Uint8Array][], key?: Uint8Array): Uint8Array {
  const parts: number[] = [];
  for (const [t, v] of attrs) {
    parts.push(t >> 8, t & 255, v.length >> 8, v.length & 255, ...v);
    while (parts.length % 4) parts.push(0);
  }
  const body = new Uint8Array(parts);
  const len = body.length + (key ? 24 : 0);
  const head = new Uint8Array(20);
  const dv = new DataView(head.buffer);
  dv.setUint16(0, type);
  dv.setUint16(2, len);
  dv.setUint32(4, MAGIC);
  head.set(crypto.getRandomValues(new Uint8Array(12)), 8);
  const msg = new Uint8Array([...head, ...body]);
  if (!key) return msg;
  const mac = createHmac("sha1", key).update(msg).digest();
  return new Uint8Array([...msg, 0x00, 0x08, 0x00, 0x14, ...mac]);
}

async function roundTrip(conn: Deno.TcpConn, msg: Uint8Array) {
  {
    await conn.write(msg);
    let buf = new Uint8Array(0);
    const chunk = new Uint8Array(2048);
    // Bounded: a STUN response is at most a few hundred bytes.
    for (
      let i = 0;
      i < 50 && (buf.length < 20 || buf.length < 20 + ((buf[2] << 8) | buf[3]));
      i++
    ) {
      const n = await conn.read(chunk);
      if (n === null) break;
      buf = new Uint8Array([...buf, ...chunk.subarray(0, n)]);
    }
    const type = (buf[0] << 8) | buf[1];
    const attrs = new Map<number, Uint8Array>();
    for (let o = 20; o + 4 <= buf.length;) {
      const t = (buf[o] << 8) | buf[o + 1];
      const l = (buf[o + 2] << 8) | buf[o + 3];
      attrs.set(t, buf.subarray(o + 4, o + 4 + l));
      o += 4 + l + ((4 - (l % 4)) % 4);
    }
    const err = attrs.get(ATTR.errorCode);
    return { type, attrs, errorCode: err ? err[2] * 100 + err[3] : undefined };
  }
}

/**
 * TURN Allocate with long-term credentials on one connection (coturn binds the nonce to it):
 * first unauthenticated (401 with realm and nonce), then signed.
 */
async function allocate(port: number, username: string, password: string) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    return await allocateOn(conn, username, password);
  } finally {
    conn.close();
  }
}

async function allocateOn(conn: Deno.TcpConn, username: string, password: string) {
  const transport: [number, Uint8Array] = [ATTR.transport, new Uint8Array([17, 0, 0, 0])];
  const challenge = await roundTrip(conn, stunMessage(0x0003, [transport]));
  assert.equal(challenge.errorCode, 401);
  const realm = challenge.attrs.get(ATTR.realm)!;
  const nonce = challenge.attrs.get(ATTR.nonce)!;
  const enc = new TextEncoder();
  const key = createHash("md5")
    .update(`${username}:${new TextDecoder().decode(realm)}:${password}`).digest();
  return await roundTrip(
    conn,
    stunMessage(0x0003, [
      transport,
      [ATTR.username, enc.encode(username)],
      [ATTR.realm, realm],
      [ATTR.nonce, nonce],
    ], key),
  );
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function startCoturn(): Promise<{ port: number; stop(): Promise<void> }> {
  const port = freePort();
  const dir = await Deno.makeTempDir();
  const child = new Deno.Command("turnserver", {
    args: [
      "-n",
      "--listening-ip=127.0.0.1",
      "--relay-ip=127.0.0.1",
      `--listening-port=${port}`,
      "--use-auth-secret",
      `--static-auth-secret=${SECRET}`,
      "--realm=mesh3",
      "--no-cli",
      "--allow-loopback-peers",
      "--no-tls",
      "--no-dtls",
      `--pidfile=${dir}/turnserver.pid`,
      `--log-file=${dir}/turn.log`,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* exited */ }
    await child.status;
    await Deno.remove(dir, { recursive: true });
  };
  for (let i = 0; i < 100; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return { port, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await stop();
  throw new Error("coturn did not start");
}

Deno.test("turnRestCredentials: coturn's HMAC-SHA1 over 'expiry:address'", async () => {
  const c = await turnRestCredentials(SECRET, "0xAbC", 600, 1_000_000);
  assert.equal(c.username, "1000600:0xAbC");
  assert.equal(c.credential, createHmac("sha1", SECRET).update(c.username).digest("base64"));
});

Deno.test("GET /api/ice: TURN REST credentials are accepted by a real coturn", async (t) => {
  const chain = await startTestChain();
  const turn = await startCoturn();
  const srv = await startServer(chain, {
    MESH3_TURN_SECRET: SECRET,
    MESH3_TURN_URLS: `turn:127.0.0.1:${turn.port}?transport=tcp`,
    MESH3_STUN_URLS: `stun:127.0.0.1:${turn.port}`,
    MESH3_ICE_POLICY: "relay",
  });
  try {
    const { account, cookie, roomId, c, joined } = await memberSocket(srv, chain, 1);
    const body: IceResponse = await (await fetch(`${srv.base}/api/ice?room=${roomId}`, {
      headers: { cookie },
    })).json();

    await t.step("behavior: STUN and TURN with a time-limited username", () => {
      assert.equal(body.iceTransportPolicy, "relay");
      assert.deepEqual(body.iceServers[0], { urls: [`stun:127.0.0.1:${turn.port}`] });
      const server = body.iceServers[1];
      assert.deepEqual(server.urls, [`turn:127.0.0.1:${turn.port}?transport=tcp`]);
      const [expiry, address] = server.username!.split(":");
      assert.equal(address, account.address);
      assert.ok(Number(expiry) > Date.now() / 1000);
    });

    await t.step("behavior: coturn allocates a relay with them", async () => {
      const server = body.iceServers[1];
      const r = await allocate(turn.port, server.username!, server.credential!);
      assert.equal(r.type, 0x0103, `allocate failed with ${r.errorCode}`);
      assert.ok(r.attrs.has(ATTR.relayed));
    });

    await t.step("error: coturn refuses a wrong or expired credential", async () => {
      const server = body.iceServers[1];
      const wrong = await allocate(turn.port, server.username!, "bm90IHRoZSBjcmVkZW50aWFs");
      assert.equal(wrong.type, 0x0113);
      assert.equal(wrong.errorCode, 401);
      const old = await turnRestCredentials(SECRET, account.address, 60, 1_000_000);
      const expired = await allocate(turn.port, old.username, old.credential);
      assert.equal(expired.type, 0x0113);
    });

    await t.step(
      "behavior: joined carries the same servers; coturn allocates with them",
      async () => {
        const ice = joined.ice!;
        assert.equal(ice.iceTransportPolicy, "relay");
        assert.deepEqual(ice.iceServers[0], body.iceServers[0]);
        const server = ice.iceServers[1];
        assert.deepEqual(server.urls, body.iceServers[1].urls);
        assert.equal(server.username!.split(":")[1], account.address);
        const r = await allocate(turn.port, server.username!, server.credential!);
        assert.equal(r.type, 0x0103, `allocate failed with ${r.errorCode}`);
      },
    );

    await t.step("error: only for signed-in sessions", async () => {
      const res = await fetch(`${srv.base}/api/ice?room=${roomId}`);
      assert.equal(res.status, 401);
      await res.body?.cancel();
    });
    await c.close();
  } finally {
    await srv.stop();
    await turn.stop();
    await chain.stop();
  }
});

Deno.test("GET /api/ice: credentials API (a local stand-in for Metered) is cached", async (t) => {
  const chain = await startTestChain();
  let hits = 0;
  let up = true;
  const api = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    hits++;
    const url = new URL(req.url);
    if (!up) return new Response("down", { status: 503 });
    if (url.searchParams.get("apiKey") !== "test-key") return new Response("no", { status: 401 });
    return Response.json([{ urls: "turn:127.0.0.1:3478", username: "u", credential: "c" }]);
  });
  const apiUrl = `http://127.0.0.1:${api.addr.port}/api/v1/turn/credentials`;
  const cached = await startServer(chain, {
    MESH3_ICE_API_URL: apiUrl,
    MESH3_ICE_API_KEY: "test-key",
    MESH3_ICE_API_CACHE_SECONDS: "300",
  });
  const uncached = await startServer(chain, {
    MESH3_ICE_API_URL: apiUrl,
    MESH3_ICE_API_KEY: "wrong-key",
    MESH3_ICE_API_CACHE_SECONDS: "0",
  });
  try {
    await t.step("behavior: fetched once, then served from the cache", async () => {
      const { cookie, roomId, c } = await memberSocket(cached, chain, 1);
      const url = `${cached.base}/api/ice?room=${roomId}`;
      for (let i = 0; i < 3; i++) {
        const body = await (await fetch(url, { headers: { cookie } })).json();
        assert.deepEqual(body, {
          iceServers: [{ urls: "turn:127.0.0.1:3478", username: "u", credential: "c" }],
        });
      }
      assert.equal(hits, 1);
      up = false;
      const still = await fetch(url, { headers: { cookie } });
      assert.equal(still.status, 200);
      await still.body?.cancel();
      up = true;
      await c.close();
    });

    await t.step("error: 503 when the API refuses and nothing is cached", async () => {
      const { cookie, roomId, c } = await memberSocket(uncached, chain, 2);
      const res = await fetch(`${uncached.base}/api/ice?room=${roomId}`, { headers: { cookie } });
      await c.close();
      assert.equal(res.status, 503);
      assert.equal((await res.json()).code, "ice-unavailable");
    });
  } finally {
    await cached.stop();
    await uncached.stop();
    await api.shutdown();
    await chain.stop();
  }
});
