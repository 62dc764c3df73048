/**
 * Fuzzing of the crypto core's single inputs (issue 6 part 2): mutated frames, real seals and
 * counter IVs checked for (epoch, IV) reuse, and mutated message plaintexts. The interaction
 * runs (two parties, a handshake, then send/drop/duplicate/reorder/tamper/rekey) are in
 * interaction_fuzz_test.ts.
 *
 * Counts (env, defaults are the full counts):
 *   MESH3_FUZZ_SEED       PRNG seed                              default 0x6d657368
 *   MESH3_FUZZ_MUTATIONS  mutated frames                          default 100000
 *   MESH3_FUZZ_SEALS      real seals checked for (epoch, IV) reuse default 100000
 *   MESH3_FUZZ_IVS        IVs from the sender's counter checked   default 1000000
 * `deno task fuzz:core` runs the long form: 1,000,000 real seals.
 * @module
 */
import assert from "node:assert/strict";
import { createChannel } from "./channel.ts";
import { SequenceCounter } from "./counter.ts";
import { FrameError, MessageError } from "./errors.ts";
import { encodeChatMessage, parseChatMessage } from "./message.ts";
import { frameIv, MAX_SEQUENCE, parseHeader } from "./frame.ts";
import { sessionPair } from "../../testing/core_fixtures.ts";
import { envInt, FAST, mutate, prng, SEED } from "../../testing/core_fuzz.ts";

const MUTATIONS = envInt("MESH3_FUZZ_MUTATIONS", 100_000);
const SEALS = envInt("MESH3_FUZZ_SEALS", 100_000);
const IVS = envInt("MESH3_FUZZ_IVS", 1_000_000);

Deno.test(`fuzz: ${MUTATIONS} mutated frames are all refused with FrameError`, FAST, async () => {
  const rng = prng(SEED ^ 0x5bd1e995);
  const [sa, sb] = await sessionPair();
  const a = createChannel({ keys: sa.keys, rekeyAfterFrames: 7 });
  const b = createChannel({ keys: sb.keys });
  const reasons: Record<string, number> = {};
  let mutated = 0;
  let genuine = 0;
  const tryBad = async (bad: Uint8Array) => {
    mutated++;
    try {
      await b.open(bad);
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      reasons[error.reason] = (reasons[error.reason] ?? 0) + 1;
      return;
    }
    assert.fail("a mutated frame was accepted");
  };
  const sizes = [0, 1, 15, 16, 17, 100, 1000];
  while (mutated < MUTATIONS) {
    const plaintext = rng.bytes(sizes[rng.int(sizes.length)]);
    const frame = await a.seal(plaintext);
    const before = b.state();
    if (genuine < 4) {
      // Exhaustively: every bit flip and every truncation length of the first frames.
      for (let i = 0; i < frame.length * 8 && mutated < MUTATIONS; i++) {
        const bad = frame.slice();
        bad[i >> 3] ^= 1 << (i & 7);
        await tryBad(bad);
      }
      for (let n = 0; n < frame.length && mutated < MUTATIONS; n++) await tryBad(frame.slice(0, n));
    }
    for (let k = 0; k < 200 && mutated < MUTATIONS; k++) await tryBad(mutate(rng, frame));
    if (rng.int(10) === 0) await tryBad(rng.bytes(rng.int(200))); // garbage
    assert.deepEqual(b.state(), before, "refused frames changed the state");
    assert.deepEqual(await b.open(frame), plaintext, "the genuine frame still opens");
    genuine++;
  }
  console.log(
    `mutation fuzz (seed ${SEED}): ${mutated} mutated frames refused, ` +
      `${genuine} genuine frames opened`,
    reasons,
  );
});

Deno.test(
  `fuzz: ${SEALS} seals and ${IVS} IVs never repeat an (epoch, IV) pair; ` +
    "the counter refuses to wrap",
  FAST,
  async (t) => {
    await t.step("behavior: real seals across epochs use each (epoch, IV) once", async () => {
      const [sa] = await sessionPair();
      const channel = createChannel({ keys: sa.keys, rekeyAfterFrames: 65536 });
      // Key of the set: epoch and the IV's 96 bits, as one exact number (sequences stay < 2^32
      // here).
      const seen = new Set<number>();
      const plaintext = new Uint8Array(1);
      for (let i = 0; i < SEALS; i++) {
        const { epoch, sequence } = parseHeader(await channel.seal(plaintext));
        if (sequence !== BigInt(i)) assert.fail(`seal ${i} used sequence ${sequence}`);
        if (epoch !== Math.floor(i / 65536)) assert.fail(`seal ${i} used epoch ${epoch}`);
        const iv = new DataView(frameIv(sa.keys.send.direction, sequence).buffer);
        if (iv.getUint32(4) !== 0) assert.fail("sequence past 2^32 in this test");
        const key = ((epoch * 4 + iv.getUint32(0)) * 2 ** 32) + iv.getUint32(8);
        if (seen.has(key)) assert.fail(`(epoch, IV) repeated at seal ${i}`);
        seen.add(key);
      }
      assert.equal(seen.size, SEALS);
      console.log(
        `IV fuzz: ${SEALS} seals, ${Math.ceil(SEALS / 65536)} epochs, no (epoch, IV) repeated`,
      );
    });
    await t.step(`behavior: ${IVS} IVs from the sender's counter are all distinct`, () => {
      const counter = new SequenceCounter();
      const seen = new Set<string>();
      for (let i = 0; i < IVS; i++) {
        const iv = frameIv(2, counter.take());
        const key = String.fromCharCode(...iv);
        if (seen.has(key)) assert.fail(`IV repeated at ${i}`);
        seen.add(key);
      }
      assert.equal(seen.size, IVS);
    });
    await t.step("behavior: the counter stops at 2^64 - 1 and never hands out a used IV", () => {
      const counter = new SequenceCounter(MAX_SEQUENCE - 999n);
      const ivs = new Set<string>();
      for (let i = 0; i < 1000; i++) ivs.add(frameIv(1, counter.take()).join(","));
      assert.equal(ivs.size, 1000);
      for (let i = 0; i < 10; i++) {
        assert.throws(
          () => counter.take(),
          (e: unknown) => e instanceof FrameError && e.reason === "exhausted",
        );
      }
    });
  },
);

Deno.test("fuzz: 20000 mutated message plaintexts parse or throw MessageError only", FAST, () => {
  const rng = prng(SEED ^ 0x1b873593);
  const [roster, hash] = [`0x${"cd".repeat(32)}`, `0x${"ef".repeat(32)}`] as const;
  const seeds = [
    encodeChatMessage({ type: "text", id: "m1", text: "hello 👋", sentAt: 1764000000000, roster }),
    encodeChatMessage({ type: "receipt", author: `0x${"a1".repeat(20)}`, id: "m1", roster, hash }),
    encodeChatMessage({ type: "bye" }),
  ];
  let parsed = 0;
  for (let i = 0; i < 20_000; i++) {
    const input = rng.int(10) === 0
      ? rng.bytes(rng.int(64))
      : mutate(rng, seeds[rng.int(seeds.length)]);
    try {
      const message = parseChatMessage(input);
      // What parses, re-encodes.
      assert.deepEqual(parseChatMessage(encodeChatMessage(message)), message);
      parsed++;
    } catch (error) {
      if (!(error instanceof MessageError)) throw error;
    }
  }
  console.log(`message fuzz: 20000 inputs, ${parsed} still valid messages, the rest refused`);
});
