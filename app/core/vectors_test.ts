import assert from "node:assert/strict";
import {
  commitmentOutputs,
  frameOutputs,
  keyPairFromPkcs8,
  keyScheduleOutputs,
  safetyNumberOutputs,
} from "../../testing/vectors/compute.ts";
import { RFC7748_SHARED } from "../../testing/vectors/inputs.ts";
import { intermediates } from "../../testing/vectors/generate.ts";
import { fromHex, safetyNumber, seal, transcript } from "../../testing/vectors/reference.ts";

// deno-lint-ignore no-explicit-any
type Json = any;
const load = async (name: string): Promise<Json> =>
  JSON.parse(await Deno.readTextFile(new URL(`./vectors/${name}.json`, import.meta.url)));
const enc = new TextEncoder();

Deno.test("vectors: commitment.json", async (t) => {
  const { cases } = await load("commitment");
  assert.ok(cases.length >= 2);
  for (const c of cases) {
    await t.step(
      `behavior: ${c.name}`,
      () => assert.deepEqual(commitmentOutputs(c.input), c.output),
    );
  }
});

Deno.test("vectors: frame.json", async (t) => {
  const { cases } = await load("frame");
  assert.ok(cases.length >= 3);
  for (const c of cases) {
    await t.step(`behavior: ${c.name} (core and reference agree)`, async () => {
      assert.deepEqual(await frameOutputs(c.input), c.output);
      const i = c.input;
      const ref = await seal(
        fromHex(i.key),
        fromHex(i.roomId),
        i.direction,
        i.epoch,
        BigInt(i.sequence),
        fromHex(i.plaintext),
      );
      assert.deepEqual(ref, c.output);
    });
  }
});

Deno.test("vectors: key_schedule.json", async (t) => {
  const { cases } = await load("key_schedule");
  assert.ok(cases.length >= 2);
  for (const c of cases) {
    await t.step(`behavior: ${c.name}: the core reproduces every output`, async () => {
      assert.deepEqual(await keyScheduleOutputs(c.input), c.output);
    });
    await t.step(`behavior: ${c.name}: the plain reference agrees step by step`, async () => {
      const inter = await intermediates(c.input);
      assert.deepEqual(inter, c.intermediate);
      if (c.input.curve === "X25519") assert.equal(inter.sharedSecret, RFC7748_SHARED);
      const ka = await keyPairFromPkcs8(c.input.curve, c.input.alice.privateKeyPkcs8);
      const kb = await keyPairFromPkcs8(c.input.curve, c.input.bob.privateKeyPkcs8);
      const ref = transcript(
        {
          address: fromHex(c.input.alice.address),
          publicKey: ka.publicKey,
          fingerprint: fromHex(c.input.alice.fingerprint),
        },
        {
          address: fromHex(c.input.bob.address),
          publicKey: kb.publicKey,
          fingerprint: fromHex(c.input.bob.fingerprint),
        },
      );
      assert.equal(
        Array.from(ref.bytes, (b) => b.toString(16).padStart(2, "0")).join(""),
        c.output.transcript,
      );
      assert.equal(c.output.aliceDirection, ref.aIsLow ? 1 : 2);
      assert.equal(c.output.aliceHello, "4d334831" + c.input.alice.nonce); // "M3H1" || nonce
      assert.equal(c.output.bobHello, "4d334831" + c.input.bob.nonce);
      const room = fromHex(c.input.roomId);
      for (
        const [who, frames, dir] of [
          ["alice", c.output.aliceFrames, ref.aIsLow ? 1 : 2],
          ["bob", c.output.bobFrames, ref.aIsLow ? 2 : 1],
        ] as const
      ) {
        const name = dir === 1 ? "lowToHigh" : "highToLow";
        assert.equal(c.output[`${who}Confirmation`], inter[`${name}Confirmation`]);
        const plaintexts = [
          fromHex(inter[`${name}Confirmation`]),
          ...c.input.messages.map((m: string) => enc.encode(m)),
          ...c.input.messages.map((m: string) => enc.encode(m)),
        ];
        const n = c.input.messages.length;
        for (const [seq, plaintext] of plaintexts.entries()) {
          const epoch = seq <= n ? 0 : 1;
          const key = fromHex(inter[`${name}FrameKey${epoch}`]);
          const sealed = await seal(key, room, dir, epoch, BigInt(seq), plaintext);
          assert.equal(sealed.frame, frames[seq], `${who} frame ${seq}`);
        }
      }
    });
  }
});

Deno.test("vectors: safety_number.json", async (t) => {
  const { cases } = await load("safety_number");
  assert.ok(cases.length >= 2);
  for (const c of cases) {
    await t.step(`behavior: ${c.name} (core and reference agree)`, async () => {
      assert.deepEqual(await safetyNumberOutputs(c.input), c.output);
      const party = (p: Json) => ({
        address: fromHex(p.address),
        publicKey: fromHex(p.publicKey),
        fingerprint: fromHex(p.fingerprint),
      });
      assert.equal(await safetyNumber(party(c.input.b), party(c.input.a)), c.output.safetyNumber);
    });
  }
});
