import assert from "node:assert/strict";
import { ReadBudget } from "./read_budget.ts";

Deno.test("ReadBudget: per address and per IP; a refusal takes from neither", () => {
  let now = 0;
  const budget = new ReadBudget({
    perAddress: { ratePerSecond: 1, burst: 2 },
    perIp: { ratePerSecond: 1, burst: 3 },
    maxKeys: 100,
    now: () => now,
  });
  const a = { key: "0xa", ip: "192.0.2.1" };
  const b = { key: "0xb", ip: "192.0.2.1" };
  assert.deepEqual([budget.take(a), budget.take(a), budget.take(a)], [true, true, false]);
  assert.equal(budget.take(b), true); // the IP had one read left: the refusal above took none
  assert.equal(budget.take(b), false); // the IP's budget is spent for every address on it
  assert.equal(budget.take({ key: "0xc", ip: "192.0.2.2" }), true); // another IP is untouched
  now = 1000;
  assert.equal(budget.take({ key: "", ip: "192.0.2.1" }), true); // signed out: the IP alone
});
