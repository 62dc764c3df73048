import assert from "node:assert/strict";
import { startRedis, type TestRedis } from "../../../testing/redis.ts";
import { stateCommonCase, TEST_STATE_OPTIONS } from "../../../testing/state_common_case.ts";
import { waitUntil } from "../../../testing/wait_until.ts";
import { RedisState } from "./redis_state.ts";
import { StateUnavailableError } from "./shared_state.ts";

const OPTIONS = TEST_STATE_OPTIONS;

/** Two instances on one fresh redis-server. */
async function twoInstances(): Promise<
  { a: RedisState; b: RedisState; redis: TestRedis; close(): Promise<void> }
> {
  const redis = await startRedis();
  const a = await RedisState.open(redis.url, OPTIONS);
  const b = await RedisState.open(redis.url, OPTIONS);
  return {
    a,
    b,
    redis,
    close: async () => {
      await a.close();
      await b.close();
      await redis.dispose();
    },
  };
}

stateCommonCase("redis", twoInstances);

Deno.test("redis: sessions made in the same millisecond end oldest first", async () => {
  const redis = await startRedis();
  // A frozen clock: every session has the same time.
  const a = await RedisState.open(redis.url, { ...OPTIONS, now: () => 1_700_000_000_000 });
  try {
    const alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as const;
    const ended: string[] = [];
    a.sessions.onEnd((id) => ended.push(id));
    const made = [];
    for (let i = 0; i < 12; i++) made.push(await a.sessions.create(alice, `198.51.100.${i}`));
    // The cap is 2 per address: each new one ended the oldest of the two before it.
    const gone = await waitUntil(() => ended.length, (n) => n >= 10);
    assert.equal(gone, 10);
    assert.deepEqual(ended, made.slice(0, 10).map((s) => s.id));
    assert.equal((await a.sessions.get(made[11].id))?.address, alice);
  } finally {
    await a.close();
    await redis.dispose();
  }
});

Deno.test("redis: a session value that is not a session reads as no session", async () => {
  const s = await twoInstances();
  try {
    await s.a.conn.redis.set("mesh3:s:forged", '{"address":"0x00"}');
    assert.equal(await s.b.sessions.get("forged"), undefined);
    await s.a.conn.redis.set("mesh3:s:notjson", "{");
    assert.equal(await s.b.sessions.get("notjson"), undefined);
  } finally {
    await s.close();
  }
});

Deno.test("redis: a dead instance's sockets stop counting once its heartbeat ends", async () => {
  const s = await twoInstances();
  try {
    const limits = { maxSockets: 10, maxSocketsPerIp: 10, maxSocketsPerAddress: 1 };
    const capsA = s.a.caps(limits), capsB = s.b.caps(limits);
    capsB.count({ ip: "192.0.2.1", key: "0xaa" });
    await capsB.flush();
    const refusal = await capsA.refusal("192.0.2.2", "0xaa");
    assert.equal(refusal, "Cannot connect: too many sockets for this address");
    await s.b.close(); // its heartbeat key goes with it (a kill -9 lets it expire instead)
    assert.equal(await capsA.refusal("192.0.2.2", "0xaa"), null);
  } finally {
    await s.close();
  }
});

Deno.test("redis: unreachable Redis fails closed with a clear error, then recovers", async () => {
  const s = await twoInstances();
  try {
    const session = await s.a.sessions.create(
      "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      "192.0.2.1",
    );
    await s.redis.stop(true);
    await assert.rejects(() => s.a.nonces.issue(), (e: unknown) => {
      assert.ok(e instanceof StateUnavailableError);
      assert.equal(
        e.message,
        "Cannot issue a nonce: the server's shared state (Redis) cannot be reached; try again soon",
      );
      return true;
    });
    await assert.rejects(() => s.b.sessions.get(session.id), StateUnavailableError);
    let down = false;
    for (let i = 0; i < 100 && !down; i++) {
      down = s.a.health() === "unavailable";
      if (!down) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(down, true, "health says unavailable");
    await s.redis.restart();
    let back = false;
    for (let i = 0; i < 100 && !back; i++) {
      back = s.a.health() === "ok" && s.b.health() === "ok";
      if (!back) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(back, true, "both instances reconnect by themselves");
    // The append-only file kept the session: what was promised survives the restart.
    assert.equal((await s.b.sessions.get(session.id))?.ip, "192.0.2.1");
    const n = await s.a.nonces.issue();
    assert.equal(await s.b.nonces.consume(n), true);
  } finally {
    await s.close();
  }
});

Deno.test("redis: cannot start without Redis: a clear error", async () => {
  const redis = await startRedis();
  const url = redis.url;
  await redis.dispose();
  await assert.rejects(() => RedisState.open(url, OPTIONS), (e: unknown) => {
    assert.ok(e instanceof StateUnavailableError);
    assert.match(e.message, /^Cannot start: the server's shared state \(Redis\) cannot be reached/);
    return true;
  });
});
