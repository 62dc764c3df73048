import assert from "node:assert/strict";
import { computeSafetyNumber, SafetyNumberHalves } from "./safety_number.ts";
import type { Party } from "./transcript.ts";
import {
  ALICE,
  FIXED_ALICE as alice,
  FIXED_BOB as bob,
  testFingerprint,
} from "../../testing/core_fixtures.ts";

Deno.test("computeSafetyNumber", async (t) => {
  await t.step("behavior: 12 groups of 5 digits, the same whichever side computes it", async () => {
    const ab = await computeSafetyNumber(alice, bob);
    assert.match(ab, /^\d{5}( \d{5}){11}$/);
    assert.equal(await computeSafetyNumber(bob, alice), ab);
  });
  await t.step(
    "behavior: changes when any party's address, key or fingerprint changes",
    async () => {
      const base = await computeSafetyNumber(alice, bob);
      const variants: Party[] = [
        { ...bob, address: "0x3333333333333333333333333333333333333333" },
        { ...bob, publicKey: new Uint8Array(32).fill(9) },
        { ...bob, fingerprint: testFingerprint(5) },
      ];
      for (const v of variants) assert.notEqual(await computeSafetyNumber(alice, v), base);
    },
  );
  await t.step("behavior: a swapped key changes the half the victim sees", async () => {
    const honest = (await computeSafetyNumber(alice, bob)).split(" ");
    const swapped =
      (await computeSafetyNumber(alice, { ...bob, publicKey: new Uint8Array(32).fill(6) })).split(
        " ",
      );
    const shared = honest.filter((g, i) => g === swapped[i]).length;
    assert.ok(shared <= 6, "only Alice's own half may stay the same");
  });
  await t.step("error: one address twice or malformed parties are refused", async () => {
    await assert.rejects(computeSafetyNumber(alice, { ...bob, address: ALICE }), RangeError);
    await assert.rejects(computeSafetyNumber(alice, { ...bob, address: "0x12" }), TypeError);
    await assert.rejects(
      computeSafetyNumber(alice, { ...bob, publicKey: new Uint8Array(10) }),
      TypeError,
    );
    await assert.rejects(
      computeSafetyNumber(alice, { ...bob, fingerprint: new Uint8Array(33) }),
      TypeError,
    );
  });
});

Deno.test("SafetyNumberHalves", async (t) => {
  await t.step("behavior: the same number as computeSafetyNumber, halves kept or not", async () => {
    const expected = await computeSafetyNumber(alice, bob);
    const halves = new SafetyNumberHalves();
    await halves.prepare(alice);
    assert.equal(await halves.compute(alice, bob), expected);
    assert.equal(await halves.compute(bob, alice), expected);
    assert.equal(await new SafetyNumberHalves().compute(bob, alice), expected);
  });
  await t.step("behavior: a kept half does not stand for another key of the party", async () => {
    const halves = new SafetyNumberHalves();
    await halves.compute(alice, bob);
    const other = { ...bob, publicKey: new Uint8Array(32).fill(9) };
    assert.equal(await halves.compute(alice, other), await computeSafetyNumber(alice, other));
    assert.notEqual(await halves.compute(alice, other), await halves.compute(alice, bob));
  });
  await t.step("error: one address twice or a malformed party is refused", async () => {
    const halves = new SafetyNumberHalves();
    await assert.rejects(halves.prepare({ ...bob, address: "0x12" }), TypeError);
    await assert.rejects(halves.compute(alice, { ...bob, address: ALICE }), RangeError);
    await assert.rejects(
      halves.compute(alice, { ...bob, fingerprint: new Uint8Array(33) }),
      TypeError,
    );
  });
});
