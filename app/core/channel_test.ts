import assert from "node:assert/strict";
import { createChannel, REKEY_AFTER_FRAMES } from "./channel.ts";
import { generateEcdhKeyPair } from "./ecdh.ts";
import { encodeStep, ratchetDh, ratchetEpochKeys } from "./ratchet.ts";
import { FrameError, type FrameErrorReason } from "./errors.ts";
import { MAX_PLAINTEXT_LENGTH, sealFrame } from "./frame.ts";
import { sessionPair } from "../../testing/core_fixtures.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const refused = (reason: FrameErrorReason) => (e: unknown) =>
  e instanceof FrameError && e.reason === reason;

async function pair(
  options: { now?: () => number; rekeyAfterFrames?: number; rekeyAfterMs?: number } = {},
) {
  const [a, b] = await sessionPair();
  return {
    a: createChannel({ keys: a.keys, ...options }),
    b: createChannel({ keys: b.keys, ...options }),
    keysA: a.keys,
  };
}

Deno.test("createChannel", async (t) => {
  await t.step("behavior: frames decrypt to what was sent, both ways, in order", async () => {
    const { a, b } = await pair();
    for (let i = 0; i < 20; i++) {
      assert.equal(text(await b.open(await a.seal(bytes(`a${i}`)))), `a${i}`);
      assert.equal(text(await a.open(await b.seal(bytes(`b${i}`)))), `b${i}`);
    }
    assert.deepEqual(a.state(), {
      sendEpoch: 0,
      nextSendSequence: 20n,
      receiveEpoch: 0,
      lastReceivedSequence: 19n,
      skipped: 0n,
    });
  });
  await t.step(
    "behavior: concurrent seals get increasing sequence numbers and open in order",
    async () => {
      const { a, b } = await pair();
      const frames = await Promise.all(
        Array.from({ length: 50 }, (_, i) => a.seal(bytes(String(i)))),
      );
      for (let i = 0; i < 50; i++) assert.equal(text(await b.open(frames[i])), String(i));
    },
  );
  await t.step("error: a replayed frame is refused and changes nothing", async () => {
    const { a, b } = await pair();
    const f0 = await a.seal(bytes("x"));
    await b.open(f0);
    const before = b.state();
    await assert.rejects(b.open(f0), refused("replayed"));
    assert.deepEqual(b.state(), before);
  });
  await t.step("error: a late frame is refused as reordered; the gap is counted", async () => {
    const { a, b } = await pair();
    const [f0, f1, f2] = [
      await a.seal(bytes("0")),
      await a.seal(bytes("1")),
      await a.seal(bytes("2")),
    ];
    await b.open(f0);
    await b.open(f2);
    await assert.rejects(b.open(f1), refused("reordered"));
    assert.equal(b.state().skipped, 1n);
  });
  await t.step("error: a tampered frame is refused and the genuine one still opens", async () => {
    const { a, b } = await pair();
    const f = await a.seal(bytes("genuine"));
    for (const i of [0, 4, 12, 13, f.length - 1]) {
      const bad = f.slice();
      bad[i] ^= 1;
      await assert.rejects(b.open(bad), FrameError);
    }
    assert.deepEqual(b.state().lastReceivedSequence, -1n);
    assert.equal(text(await b.open(f)), "genuine");
  });
  await t.step("error: truncated frames are refused", async () => {
    const { a, b } = await pair();
    const f = await a.seal(bytes("hello"));
    for (let n = 0; n < f.length; n++) await assert.rejects(b.open(f.subarray(0, n)), FrameError);
    assert.equal(text(await b.open(f)), "hello");
  });
  await t.step(
    "error: oversized plaintexts are refused without using a sequence number",
    async () => {
      const { a, b } = await pair();
      await assert.rejects(a.seal(new Uint8Array(MAX_PLAINTEXT_LENGTH + 1)), refused("oversized"));
      assert.equal(a.state().nextSendSequence, 0n);
      assert.equal(
        (await b.open(await a.seal(new Uint8Array(MAX_PLAINTEXT_LENGTH)))).length,
        MAX_PLAINTEXT_LENGTH,
      );
    },
  );
  await t.step("error: the same session keys cannot make a second channel", async () => {
    const [a] = await sessionPair();
    createChannel({ keys: a.keys });
    assert.throws(() => createChannel({ keys: a.keys }), TypeError);
  });
  await t.step("error: rekey limits outside the safe range are refused", async () => {
    const [a] = await sessionPair();
    assert.throws(
      () => createChannel({ keys: a.keys, rekeyAfterFrames: REKEY_AFTER_FRAMES + 1 }),
      RangeError,
    );
    assert.throws(() => createChannel({ keys: a.keys, rekeyAfterFrames: 0 }), RangeError);
    assert.throws(() => createChannel({ keys: a.keys, rekeyAfterMs: 31 * 60 * 1000 }), RangeError);
  });
});

Deno.test("createChannel rekeying", async (t) => {
  await t.step("behavior: rekeys after the frame limit and the receiver follows", async () => {
    const { a, b } = await pair({ rekeyAfterFrames: 3 });
    for (let i = 0; i < 10; i++) {
      assert.equal(text(await b.open(await a.seal(bytes(`${i}`)))), `${i}`);
    }
    assert.equal(a.state().sendEpoch, 3);
    assert.equal(b.state().receiveEpoch, 3);
  });
  await t.step("behavior: rekeys after the time limit", async () => {
    let clock = 0;
    const { a, b } = await pair({ now: () => clock, rekeyAfterMs: 1000 });
    await b.open(await a.seal(bytes("t0")));
    clock = 999;
    await b.open(await a.seal(bytes("t1")));
    assert.equal(b.state().receiveEpoch, 0);
    clock = 1000;
    await b.open(await a.seal(bytes("t2")));
    assert.equal(b.state().receiveEpoch, 1);
  });
  await t.step("behavior: rekey() moves the next frame to a new epoch, once", async () => {
    const { a, b } = await pair();
    await b.open(await a.seal(bytes("0")));
    a.rekey();
    a.rekey();
    await b.open(await a.seal(bytes("1")));
    assert.equal(b.state().receiveEpoch, 1);
  });
  await t.step(
    "behavior: a lost first frame of an epoch costs nothing (each frame has the step)",
    async () => {
      const { a, b } = await pair();
      await b.open(await a.seal(bytes("0")));
      a.rekey();
      await a.seal(bytes("dropped"));
      assert.equal(text(await b.open(await a.seal(bytes("arrives")))), "arrives");
      assert.equal(b.state().receiveEpoch, 1);
    },
  );
  await t.step("behavior: a received step is answered by one step, an answer is not", async () => {
    const { a, b } = await pair();
    await b.open(await a.seal(bytes("0")));
    await a.open(await b.seal(bytes("0")));
    a.rekey();
    await b.open(await a.seal(bytes("a1"))); // A's step: epoch 1
    await a.open(await b.seal(bytes("b1"))); // B answers: its epoch 1
    assert.equal(b.state().sendEpoch, 1);
    await b.open(await a.seal(bytes("a2"))); // no answer to an answer
    await a.open(await b.seal(bytes("b2")));
    assert.deepEqual([a.state().sendEpoch, b.state().sendEpoch], [1, 1]);
  });
  await t.step(
    "error: frames more than one epoch ahead or from an old epoch are refused",
    async () => {
      const { a, b } = await pair();
      await b.open(await a.seal(bytes("epoch 0")));
      a.rekey();
      await a.seal(bytes("epoch 1, all lost"));
      a.rekey();
      await assert.rejects(b.open(await a.seal(bytes("epoch 2"))), refused("epoch"));
      assert.equal(b.state().receiveEpoch, 0);
      assert.equal(b.state().lastReceivedSequence, 0n);

      const { a: a2, b: b2 } = await pair();
      const stale = await a2.seal(bytes("0"));
      a2.rekey();
      await b2.open(await a2.seal(bytes("1")));
      await assert.rejects(b2.open(stale), refused("reordered"));
    },
  );
  await t.step("error: a frame from an old epoch with a fresh sequence is refused", async () => {
    const [sa, sb] = await sessionPair();
    const a = createChannel({ keys: sa.keys });
    const b = createChannel({ keys: sb.keys });
    a.rekey();
    await b.open(await a.seal(bytes("0")));
    a.rekey();
    await b.open(await a.seal(bytes("1"))); // b is at epoch 1
    const ctx = {
      key: sa.keys.send.key,
      roomId: sa.keys.roomId,
      direction: sa.keys.send.direction,
    };
    await assert.rejects(
      b.open(await sealFrame(ctx, 0, 5n, bytes("epoch 0 again"))),
      refused("epoch"),
    );
  });
  await t.step("error: a sender that does not rekey after 2^20 frames is refused", async () => {
    const [sa, sb] = await sessionPair();
    const b = createChannel({ keys: sb.keys });
    const ctx = {
      key: sa.keys.send.key,
      roomId: sa.keys.roomId,
      direction: sa.keys.send.direction,
    };
    await b.open(await sealFrame(ctx, 0, 0n, bytes("first")));
    await assert.rejects(
      b.open(await sealFrame(ctx, 0, BigInt(REKEY_AFTER_FRAMES), bytes("late"))),
      refused("epoch"),
    );
    const share = await generateEcdhKeyPair();
    const step = encodeStep({ answer: false, peerEpoch: 0, share: share.publicKey });
    const dh = await ratchetDh(share, sa.keys.ratchet.peer);
    const next = await ratchetEpochKeys(sa.keys.send, dh, step);
    const ctx1 = { key: next.key, roomId: sa.keys.roomId, direction: next.direction };
    const late = await sealFrame(ctx1, 1, BigInt(REKEY_AFTER_FRAMES), bytes("rekeyed"), step);
    assert.equal(text(await b.open(late)), "rekeyed");
  });
});
