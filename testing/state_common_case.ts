/**
 * The one test suite every shared-state backend passes (the memory backend and Redis): nonces
 * single-use across instances, sessions valid and ended everywhere, per-session caps, and the
 * per-address and per-IP socket caps counted over every instance. `open` gives two instances'
 * views of one state: the same object for memory (one instance), two connections for Redis.
 * @module
 */
import assert from "node:assert/strict";
import type { MemoryStateOptions, SharedState } from "../app/server/state/mod.ts";
import { waitUntil } from "./wait_until.ts";

/** Asserts that `f` becomes true (bounded poll: pub/sub and mirrored counts arrive soon). */
async function eventually(f: () => boolean | Promise<boolean>, what: string): Promise<void> {
  assert.equal(await waitUntil(f, (v) => v), true, what);
}

/** Two instances' views of one shared state, and how to close them. */
export interface TwoInstances {
  a: SharedState;
  b: SharedState;
  close(): Promise<void>;
}

/** State options for the suite: session caps of 2 per address and 3 per IP group. */
export const TEST_STATE_OPTIONS: MemoryStateOptions = {
  nonceTtlSeconds: 300,
  maxNonces: 1000,
  sessionTtlSeconds: 3600,
  maxSessions: 1000,
  maxSessionsPerAddress: 2,
  maxSessionsPerIp: 3,
};

const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as const;
const BOB = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" as const;
const LIMITS = { maxSockets: 100, maxSocketsPerIp: 3, maxSocketsPerAddress: 2 };

/**
 * Registers the suite's tests for one backend.
 *
 * @param name The backend, in test names.
 * @param open Opens a fresh state (session caps: 2 per address, 3 per IP).
 */
export function stateCommonCase(name: string, open: () => Promise<TwoInstances>): void {
  const test = (what: string, fn: (s: TwoInstances) => Promise<void>) =>
    Deno.test(`${name}: ${what}`, async () => {
      const s = await open();
      try {
        await fn(s);
      } finally {
        await s.close();
      }
    });

  test("a nonce issued on one instance is consumed once, on any", async ({ a, b }) => {
    const n = await a.nonces.issue();
    assert.match(n, /^[0-9a-f]{32}$/);
    assert.equal(await b.nonces.consume(n), true);
    assert.equal(await a.nonces.consume(n), false, "single use on the issuing instance too");
    assert.equal(await b.nonces.consume(n), false);
  });

  test("unknown and malformed nonces are refused", async ({ a }) => {
    assert.equal(await a.nonces.consume("0".repeat(32)), false);
    assert.equal(await a.nonces.consume(""), false);
    assert.equal(await a.nonces.consume("x".repeat(10_000)), false);
  });

  test("a session made on one instance is live on every one", async ({ a, b }) => {
    const s = await a.sessions.create(ALICE, "203.0.113.7");
    assert.equal(s.id.length, 43);
    const seen = await b.sessions.get(s.id);
    assert.equal(seen?.address, ALICE);
    assert.equal(seen?.ip, "203.0.113.7");
    assert.equal(b.sessions.live(s.id), true);
    assert.equal(await b.sessions.get("nope"), undefined);
    assert.equal(await b.sessions.get(undefined), undefined);
    assert.equal(await b.sessions.get("x".repeat(65)), undefined);
    assert.equal(b.sessions.live("nope"), false);
  });

  test("ending a session on one instance ends it on every one", async ({ a, b }) => {
    const ended: string[] = [];
    a.sessions.onEnd((id) => ended.push(id));
    const s = await a.sessions.create(ALICE, "203.0.113.7");
    assert.equal(a.sessions.live(s.id), true);
    await b.sessions.end(s.id);
    await eventually(() => ended.includes(s.id), "instance a hears of the end");
    assert.equal(a.sessions.live(s.id), false);
    assert.equal(await a.sessions.get(s.id), undefined);
    await b.sessions.end(s.id); // twice: nothing happens
  });

  test("a third session of one address ends its oldest, everywhere", async ({ a, b }) => {
    const ended: string[] = [];
    a.sessions.onEnd((id) => ended.push(id));
    const first = await a.sessions.create(ALICE, "198.51.100.1");
    const second = await b.sessions.create(ALICE, "198.51.100.2");
    const bob = await b.sessions.create(BOB, "198.51.100.3");
    const third = await b.sessions.create(ALICE, "198.51.100.4");
    await eventually(() => ended.includes(first.id), "the oldest ends");
    assert.equal(await a.sessions.get(first.id), undefined);
    assert.equal((await a.sessions.get(second.id))?.address, ALICE);
    assert.equal((await a.sessions.get(third.id))?.address, ALICE);
    assert.equal((await a.sessions.get(bob.id))?.address, BOB, "another address is untouched");
  });

  test("the per-address socket cap holds across instances", async ({ a, b }) => {
    const capsA = a.caps(LIMITS), capsB = b.caps(LIMITS);
    const key = ALICE.toLowerCase();
    const s1 = { ip: "192.0.2.1", key }, s2 = { ip: "192.0.2.2", key };
    assert.equal(await capsA.refusal(s1.ip, key), null);
    capsA.count(s1);
    await capsA.flush?.();
    assert.equal(await capsB.refusal(s2.ip, key), null);
    capsB.count(s2);
    await capsB.flush?.();
    const s3 = { ip: "192.0.2.3", key };
    const full = "Cannot connect: too many sockets for this address";
    assert.equal(await capsA.refusal(s3.ip, key), full);
    assert.equal(await capsB.refusal(s3.ip, key), full);
    assert.equal(await capsA.refusal(s3.ip, BOB.toLowerCase()), null, "another address may");
    assert.equal(capsB.release(s2), true);
    assert.equal(capsB.release(s2), false, "released once");
    await capsB.flush?.();
    assert.equal(await capsA.refusal(s3.ip, key), null, "a place is free again");
  });

  test("the per-IP socket cap holds across instances", async ({ a, b }) => {
    const capsA = a.caps(LIMITS), capsB = b.caps(LIMITS);
    const ip = "192.0.2.9";
    const sockets = ["0xa1", "0xa2", "0xa3"].map((key) => ({ ip, key }));
    capsA.count(sockets[0]);
    capsB.count(sockets[1]);
    await capsA.flush?.();
    assert.equal(await capsB.refusal(ip, "0xa3"), null); // holds the place until counted
    capsB.count(sockets[2]);
    await capsB.flush?.();
    assert.equal(
      await capsA.refusal(ip, "0xa4"),
      "Cannot connect: too many sockets from this IP address",
    );
    capsA.release(sockets[0]);
    await capsA.flush?.();
    assert.equal(await capsA.refusal(ip, "0xa4"), null);
  });
}
