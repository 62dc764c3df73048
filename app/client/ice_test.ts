import assert from "node:assert/strict";
import { type IceConfig, iceExpiry, iceSource } from "./ice.ts";

const turn = (expirySeconds: number): IceConfig => ({
  iceServers: [
    { urls: "stun:s:3478" },
    { urls: ["turn:t:3478"], username: `${expirySeconds}:0xabc`, credential: "c" },
  ],
});

Deno.test("iceExpiry: reads the TURN REST username's expiry, Infinity without one", () => {
  assert.equal(iceExpiry(turn(1_700_000_000)), 1_700_000_000_000);
  assert.equal(
    iceExpiry({ iceServers: [{ urls: "turn:t", username: "alice", credential: "x" }] }),
    Infinity,
  );
  assert.equal(iceExpiry({ iceServers: [] }), Infinity);
});

Deno.test("iceSource: the same config while fresh, fetched again after half the credential lifetime", async () => {
  let clock = 1_000_000_000_000;
  const fetched: IceConfig[] = [];
  const fetchConfig = () => {
    const next = turn(clock / 1000 + 60);
    fetched.push(next);
    return Promise.resolve(next);
  };
  const first = turn(clock / 1000 + 60); // a 60 s credential
  const get = iceSource(first, fetchConfig, () => clock);
  assert.equal(await get(), first);
  clock += 29_000;
  assert.equal(await get(), first);
  assert.equal(fetched.length, 0);
  clock += 2_000;
  const second = await get();
  assert.equal(fetched.length, 1);
  assert.equal(second, fetched[0]);
  assert.ok(iceExpiry(second) > iceExpiry(first));
  assert.equal(await get(), second, "fresh again: not fetched twice");
  assert.equal(fetched.length, 1);
});

Deno.test("iceSource: a failed or empty answer keeps the last good config", async () => {
  let clock = 1_000_000_000_000;
  const first = turn(clock / 1000 + 60);
  const answers: (() => Promise<IceConfig>)[] = [
    () => Promise.reject(new Error("offline")),
    () => Promise.resolve({ iceServers: [] }),
  ];
  const get = iceSource(first, () => answers.shift()!(), () => clock);
  clock += 59_000;
  assert.equal(await get(), first);
  assert.equal(await get(), first);
  assert.equal(answers.length, 0);
});

Deno.test("iceSource: static servers without an expiry are asked again after 10 minutes", async () => {
  let clock = 0;
  let calls = 0;
  const fixed = { iceServers: [{ urls: "stun:s:3478" }] };
  const get = iceSource(fixed, () => (calls++, Promise.resolve(fixed)), () => clock);
  clock = 9 * 60_000;
  await get();
  assert.equal(calls, 0);
  clock = 10 * 60_000;
  await get();
  assert.equal(calls, 1);
});
