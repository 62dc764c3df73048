import assert from "node:assert/strict";
import {
  commitmentOutputs,
  fileTreeBytes,
  fileTreeOutputs,
  frameOutputs,
  groupOutputs,
  kemKeyOfSeed,
  keyScheduleOutputs,
  safetyNumberOutputs,
  vectorParty,
} from "../../testing/vectors/compute.ts";
import { RFC7748_SHARED } from "../../testing/vectors/inputs.ts";
import { intermediates } from "../../testing/vectors/generate.ts";
import {
  commitment,
  fileTree,
  fromHex,
  groupMessage,
  roster,
  safetyNumber,
  seal,
  toHex,
  transcript,
} from "../../testing/vectors/reference.ts";

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
    await t.step(`behavior: ${c.name} (the plain reference agrees)`, () => {
      const i = c.input;
      const ref = commitment({
        ...i,
        publicKey: fromHex(i.publicKey),
        fingerprint: fromHex(i.fingerprint),
        kemKey: kemKeyOfSeed(i.kemSeed),
      });
      assert.equal(ref, c.output.commitment);
    });
  }
  await t.step("behavior: Mallory's slot with Bob's keys is another commitment", () => {
    assert.notEqual(cases[2].output.commitment, cases[0].output.commitment);
  });
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
        fromHex(i.step),
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
      if (c.input.curve === "X25519") assert.equal(inter.dhStatic, RFC7748_SHARED);
      const a = await vectorParty(c.input.curve, c.input.alice);
      const b = await vectorParty(c.input.curve, c.input.bob);
      const ref = transcript(
        { ...a.party, address: fromHex(c.input.alice.address) },
        { ...b.party, address: fromHex(c.input.bob.address) },
      );
      assert.equal(
        Array.from(ref.bytes, (b) => b.toString(16).padStart(2, "0")).join(""),
        c.output.transcript,
      );
      assert.equal(c.output.aliceDirection, ref.aIsLow ? 1 : 2);
      // "M3H2" || nonce || ephemeral share || ML-KEM ciphertext, from the reference's parts.
      assert.equal(c.output.aliceHello, inter.aliceHello);
      assert.equal(c.output.bobHello, inter.bobHello);
      assert.ok(inter.aliceHello.startsWith("4d334832" + c.input.alice.nonce));
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
          const step = epoch === 0 ? new Uint8Array(0) : fromHex(inter[`${name}Step1`]);
          const sealed = await seal(key, room, dir, epoch, BigInt(seq), plaintext, step);
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
        kemKey: kemKeyOfSeed(p.kemSeed),
      });
      assert.equal(await safetyNumber(party(c.input.b), party(c.input.a)), c.output.safetyNumber);
    });
  }
});

Deno.test("vectors: group.json", async (t) => {
  const { cases } = await load("group");
  assert.ok(cases.length >= 2);
  for (const c of cases) {
    await t.step(`behavior: ${c.name} (core and reference agree)`, async () => {
      assert.deepEqual(await groupOutputs(c.input), c.output);
      const i = c.input;
      const r = await roster(
        fromHex(i.roomId),
        i.members.map((m: Json) => ({
          address: fromHex(m.address),
          commitment: fromHex(m.commitment),
        })),
      );
      assert.equal(`0x${toHex(r)}`, c.output.roster);
      const h = await groupMessage({
        ...i,
        roomId: fromHex(i.roomId),
        author: fromHex(i.author),
        roster: r,
      });
      assert.equal(`0x${toHex(h)}`, c.output.messageHash);
    });
  }
});

Deno.test("vectors: file_tree.json", async (t) => {
  const { cases } = await load("file_tree");
  assert.ok(cases.length >= 6);
  for (const c of cases) {
    await t.step(`behavior: ${c.name} (core and reference agree)`, async () => {
      assert.deepEqual(await fileTreeOutputs(c.input), c.output);
      const { size, chunkSize, seed } = c.input;
      assert.equal(fileTree(fileTreeBytes(size, seed), chunkSize), c.output.root);
    });
  }
  await t.step("behavior: the same bytes in another chunk size give another root", () => {
    const same = cases.filter((c: Json) => c.input.size === 2500);
    assert.equal(same.length, 2);
    assert.notEqual(same[0].output.root, same[1].output.root);
  });
});
