import assert from "node:assert/strict";
import { buildTranscript, type Party, PROTOCOL_TAG } from "./transcript.ts";
import {
  FIXED_ALICE as alice,
  FIXED_BOB as bob,
  testFingerprint,
} from "../../testing/core_fixtures.ts";

Deno.test("buildTranscript", async (t) => {
  await t.step("behavior: both sides build the same bytes, ordered by address", () => {
    const a = buildTranscript(alice, bob);
    const b = buildTranscript(bob, alice);
    assert.deepEqual(a.bytes, b.bytes);
    assert.equal(a.selfIsLow, true);
    assert.equal(b.selfIsLow, false);
    assert.equal(a.bytes.length, PROTOCOL_TAG.length + 1 + 40 + 2 + 64 + 64 + 64);
    assert.equal(new TextDecoder().decode(a.bytes.subarray(0, PROTOCOL_TAG.length)), PROTOCOL_TAG);
  });
  await t.step("behavior: address case does not matter", () => {
    const upper = {
      ...bob,
      address: "0x2222222222222222222222222222222222222222".toUpperCase().replace(
        "0X",
        "0x",
      ) as `0x${string}`,
    };
    assert.deepEqual(buildTranscript(alice, upper).bytes, buildTranscript(alice, bob).bytes);
  });
  await t.step("behavior: every field changes the bytes", () => {
    const base = buildTranscript(alice, bob).bytes;
    assert.notDeepEqual(
      buildTranscript({ ...alice, kemKey: new Uint8Array(1184).fill(0xee) }, bob).bytes,
      base,
    );
    assert.notDeepEqual(
      buildTranscript({ ...alice, fingerprint: testFingerprint(9) }, bob).bytes,
      base,
    );
    assert.notDeepEqual(
      buildTranscript(alice, { ...bob, publicKey: new Uint8Array(32).fill(7) }).bytes,
      base,
    );
  });
  await t.step("error: malformed or conflicting parties are refused", () => {
    const cases: [Party, Party, ErrorConstructor][] = [
      [alice, { ...bob, address: alice.address }, RangeError],
      [alice, { ...bob, address: "0x1234" }, TypeError],
      [alice, { ...bob, address: "0x" + "zz".repeat(20) as `0x${string}` }, TypeError],
      [alice, { ...bob, publicKey: new Uint8Array(33) }, TypeError],
      [alice, { ...bob, publicKey: new Uint8Array(65) }, TypeError],
      [alice, { ...bob, fingerprint: new Uint8Array(31) }, TypeError],
    ];
    for (const [a, b, type] of cases) assert.throws(() => buildTranscript(a, b), type);
  });
});
