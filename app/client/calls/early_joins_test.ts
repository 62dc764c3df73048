import assert from "node:assert/strict";
import type { Address } from "viem";
import {
  EARLY_JOIN_MAX_AGE_MS,
  EarlyJoins,
  MAX_EARLY_CALLS,
  MAX_EARLY_JOINS,
} from "./early_joins.ts";

const peer = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as Address;
const callId = (n: number) => `call-${n}`;

Deno.test("EarlyJoins: a join is given once, by the call it joined, whatever the address case", () => {
  const early = new EarlyJoins();
  const y = "0x00000000000000000000000000000000000000Cc" as Address;
  early.join(callId(1), y);
  early.join(callId(1), y.toLowerCase() as Address);
  early.join(callId(2), peer(5));
  assert.deepEqual(early.take(callId(1)), [y.toLowerCase()]);
  assert.deepEqual(early.take(callId(1)), []);
  assert.deepEqual(early.take(callId(2)), [peer(5)]);
});

Deno.test("EarlyJoins: a join dropped (leave, decline) is not given", () => {
  const early = new EarlyJoins();
  early.join(callId(1), peer(1));
  early.join(callId(1), peer(2));
  early.drop(callId(1), peer(1));
  early.drop(callId(9), peer(2)); // another call: nothing to drop
  assert.deepEqual(early.take(callId(1)), [peer(2)]);
});

Deno.test("EarlyJoins: error: joins for calls that never ring are bounded and age out", () => {
  let now = 0;
  const early = new EarlyJoins(() => now);
  for (let c = 0; c < MAX_EARLY_CALLS + 3; c++) early.join(callId(c), peer(1));
  // The oldest calls went first.
  for (let c = 0; c < 3; c++) assert.deepEqual(early.take(callId(c)), []);
  assert.deepEqual(early.take(callId(3)), [peer(1)]);
  for (let p = 0; p < MAX_EARLY_JOINS + 5; p++) early.join(callId(50), peer(p));
  assert.equal(early.take(callId(50)).length, MAX_EARLY_JOINS);
  early.join(callId(60), peer(1));
  now += EARLY_JOIN_MAX_AGE_MS + 1;
  assert.deepEqual(early.take(callId(60)), []);
});
