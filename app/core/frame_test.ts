import assert from "node:assert/strict";
import { FrameError, type FrameErrorReason } from "./errors.ts";
import { encodeStep } from "./ratchet.ts";
import {
  DIRECTION_HIGH_TO_LOW,
  DIRECTION_LOW_TO_HIGH,
  frameAad,
  type FrameContext,
  frameIv,
  HEADER_LENGTH,
  MAX_PLAINTEXT_LENGTH,
  MAX_SEQUENCE,
  MAX_STEP_LENGTH,
  openFrame,
  parseHeader,
  sealFrame,
  TAG_LENGTH,
} from "./frame.ts";

/** A DH step as channels write it: not an answer, peer epoch 0, a 32-byte share. */
const STEP = encodeStep({ answer: false, peerEpoch: 0, share: new Uint8Array(32).fill(9) });
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

async function context(direction = DIRECTION_LOW_TO_HIGH, room = 0x42): Promise<FrameContext> {
  const key = await crypto.subtle.importKey("raw", new Uint8Array(32).fill(7), "AES-GCM", false, [
    "encrypt",
    "decrypt",
  ]);
  return { key, roomId: new Uint8Array(32).fill(room), direction };
}

async function open(ctx: FrameContext, frame: Uint8Array): Promise<Uint8Array> {
  return await openFrame(ctx, frame, parseHeader(frame));
}

function refused(reason: FrameErrorReason) {
  return (e: unknown) => e instanceof FrameError && e.reason === reason;
}

Deno.test("frameIv", async (t) => {
  await t.step("behavior: direction (u32 BE) then sequence (u64 BE)", () => {
    assert.equal(hex(frameIv(DIRECTION_LOW_TO_HIGH, 5n)), "00000001" + "0000000000000005");
    assert.equal(
      hex(frameIv(DIRECTION_HIGH_TO_LOW, MAX_SEQUENCE)),
      "00000002" + "ffffffffffffffff",
    );
  });
  await t.step("error: sequences outside 64 bits are refused", () => {
    assert.throws(() => frameIv(DIRECTION_LOW_TO_HIGH, -1n), RangeError);
    assert.throws(() => frameIv(DIRECTION_LOW_TO_HIGH, MAX_SEQUENCE + 1n), RangeError);
  });
});

Deno.test("frameAad", async (t) => {
  await t.step("behavior: header || direction || room id", () => {
    const header = Uint8Array.from({ length: HEADER_LENGTH }, (_, i) => i);
    const aad = frameAad(header, DIRECTION_HIGH_TO_LOW, new Uint8Array(32).fill(0xee));
    assert.equal(hex(aad), hex(header) + "00000002" + "ee".repeat(32));
  });
});

Deno.test("sealFrame and openFrame", async (t) => {
  const ctx = await context();
  await t.step("behavior: round trip with the documented header", async () => {
    const frame = await sealFrame(ctx, 3, 9n, new TextEncoder().encode("hello"), STEP);
    assert.equal(frame.length, HEADER_LENGTH + STEP.length + 5 + TAG_LENGTH);
    assert.equal(hex(frame.subarray(0, HEADER_LENGTH)), "02" + "00000003" + "0000000000000009");
    assert.deepEqual(parseHeader(frame), { version: 2, epoch: 3, sequence: 9n, step: STEP });
    const first = await sealFrame(ctx, 0, 0n, new Uint8Array(0));
    assert.equal(parseHeader(first).step.length, 0); // epoch 0 carries no step
    assert.equal(new TextDecoder().decode(await open(ctx, frame)), "hello");
  });
  await t.step("behavior: empty and maximum plaintexts seal", async () => {
    assert.equal((await open(ctx, await sealFrame(ctx, 0, 0n, new Uint8Array(0)))).length, 0);
    const max = new Uint8Array(MAX_PLAINTEXT_LENGTH).fill(1);
    assert.deepEqual(await open(ctx, await sealFrame(ctx, 0, 1n, max)), max);
  });
  await t.step("error: a plaintext over 64 KiB is refused as oversized", async () => {
    await assert.rejects(
      sealFrame(ctx, 0, 0n, new Uint8Array(MAX_PLAINTEXT_LENGTH + 1)),
      refused("oversized"),
    );
  });
  await t.step(
    "error: short, long and unknown-version frames are refused by the header check",
    () => {
      const cases: [Uint8Array, FrameErrorReason][] = [
        [new Uint8Array(0), "truncated"],
        [new Uint8Array(HEADER_LENGTH + TAG_LENGTH - 1).fill(1), "truncated"],
        [
          new Uint8Array(HEADER_LENGTH + MAX_STEP_LENGTH + MAX_PLAINTEXT_LENGTH + TAG_LENGTH + 1)
            .fill(1),
          "oversized",
        ],
        [Uint8Array.of(1, ...new Uint8Array(40)), "version"], // protocol v1 frames
        // Epoch 1 with a step whose share length is neither 32 nor 65, or cut short.
        [
          Uint8Array.of(2, 0, 0, 0, 1, ...new Uint8Array(13), 31, ...new Uint8Array(60)),
          "truncated",
        ],
        [
          Uint8Array.of(2, 0, 0, 0, 1, ...new Uint8Array(13), 32, ...new Uint8Array(20)),
          "truncated",
        ],
        [Uint8Array.of(3, ...new Uint8Array(40)), "version"],
        [Uint8Array.of(0, ...new Uint8Array(40)), "version"],
      ];
      for (const [frame, reason] of cases) assert.throws(() => parseHeader(frame), refused(reason));
    },
  );
  await t.step("error: a step in epoch 0, or none after it, is refused when sealing", async () => {
    await assert.rejects(sealFrame(ctx, 0, 0n, new Uint8Array(1), STEP), TypeError);
    await assert.rejects(sealFrame(ctx, 1, 0n, new Uint8Array(1)), TypeError);
  });
  await t.step(
    "error: any flipped bit is refused (tampered; a damaged step length as truncated)",
    async () => {
      const frame = await sealFrame(ctx, 1, 2n, new TextEncoder().encode("abc"), STEP);
      for (let i = 1; i < frame.length; i++) {
        const bad = frame.slice();
        bad[i] ^= 0x80;
        const want = i === HEADER_LENGTH + 5 ? "truncated" : "tampered"; // the share length
        await assert.rejects(open(ctx, bad), refused(want), `byte ${i}`);
      }
    },
  );
  await t.step("error: another direction or room is refused as tampered", async () => {
    const frame = await sealFrame(ctx, 0, 0n, new Uint8Array(4));
    await assert.rejects(open(await context(DIRECTION_HIGH_TO_LOW), frame), refused("tampered"));
    await assert.rejects(
      open(await context(DIRECTION_LOW_TO_HIGH, 0x43), frame),
      refused("tampered"),
    );
  });
  await t.step(
    "behavior: opening a view into a larger buffer works without copying it",
    async () => {
      const frame = await sealFrame(ctx, 0, 4n, Uint8Array.of(1, 2, 3));
      const big = new Uint8Array(frame.length + 10);
      big.set(frame, 5);
      assert.deepEqual(await open(ctx, big.subarray(5, 5 + frame.length)), Uint8Array.of(1, 2, 3));
    },
  );
});
