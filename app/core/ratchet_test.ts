import assert from "node:assert/strict";
import { createChannel } from "./channel.ts";
import { type EcdhKeyPair, generateEcdhKeyPair } from "./ecdh.ts";
import { FrameError } from "./errors.ts";
import { openFrame, parseHeader } from "./frame.ts";
import type { EpochKeys } from "./key_schedule.ts";
import { MAX_EPOCH } from "./key_schedule.ts";
import { encodeStep, parseStep, ratchetDh, ratchetEpochKeys } from "./ratchet.ts";
import { sessionPair } from "../../testing/core_fixtures.ts";

const bytes = (t: string) => new TextEncoder().encode(t);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** A passive attacker: tries every private share it holds on a frame's DH step. */
async function follow(
  chain: EpochKeys,
  frame: Uint8Array,
  known: EcdhKeyPair[],
  roomId: Uint8Array,
): Promise<{ plaintext: Uint8Array; keys: EpochKeys } | null> {
  const header = parseHeader(frame);
  const step = parseStep(header.step)!;
  for (const pair of known) {
    const keys = await ratchetEpochKeys(chain, await ratchetDh(pair, step.share), header.step);
    try {
      const plaintext = await openFrame(
        { key: keys.key, roomId, direction: keys.direction },
        frame,
        header,
      );
      return { plaintext, keys };
    } catch (e) {
      if (!(e instanceof FrameError)) throw e;
    }
  }
  return null;
}

Deno.test("DH ratchet", async (t) => {
  await t.step("behavior: step bytes round-trip; unknown flags are not a step", () => {
    const step = { answer: true, peerEpoch: 7, share: new Uint8Array(32).fill(3) };
    assert.deepEqual(parseStep(encodeStep(step)), step);
    const bad = encodeStep(step);
    bad[0] = 0x80;
    assert.equal(parseStep(bad), null);
  });
  await t.step("error: the epoch number does not wrap", async () => {
    const [a] = await sessionPair();
    const step = encodeStep({ answer: false, peerEpoch: 0, share: new Uint8Array(32) });
    await assert.rejects(
      ratchetEpochKeys({ ...a.keys.send, epoch: MAX_EPOCH }, new Uint8Array(32), step),
      RangeError,
    );
  });
  await t.step("error: a low-order share is refused", async () => {
    const pair = await generateEcdhKeyPair();
    await assert.rejects(ratchetDh(pair, new Uint8Array(32)), { name: "KeyAgreementError" });
  });
  await t.step(
    "behavior: an attacker with epoch k's state reads k+1 at most, never k+2 (post-compromise)",
    async () => {
      const [sa, sb] = await sessionPair();
      const made: EcdhKeyPair[] = []; // every share Alice makes, as her memory holds it
      const a = createChannel({
        keys: sa.keys,
        ratchetShare: async () => {
          const pair = await generateEcdhKeyPair();
          made.push(pair);
          return pair;
        },
      });
      const b = createChannel({ keys: sb.keys });
      await b.open(await a.seal(bytes("epoch 0")));
      await a.open(await b.seal(bytes("epoch 0 back")));
      a.rekey();
      const frameK = await a.seal(bytes("epoch k")); // A->B epoch k = 1
      assert.equal(text(await b.open(frameK)), "epoch k");

      // The compromise, at epoch k: the attacker copies both memories. It holds B's receive
      // chain of epoch k and every private share either side holds now (Bob's is still his
      // hello share; Alice's are hers and her step's).
      const h = parseHeader(frameK);
      const stolenChain = await ratchetEpochKeys(
        sb.keys.receive,
        await ratchetDh(sb.keys.ratchet.self, parseStep(h.step)!.share),
        h.step,
      );
      const stolen = [sb.keys.ratchet.self, sa.keys.ratchet.self, ...made];
      const roomId = sa.keys.roomId;
      const inK = await follow(sb.keys.receive, frameK, [sb.keys.ratchet.self], roomId);
      assert.equal(text(inK!.plaintext), "epoch k"); // the attacker's view is right

      // Alice steps again before Bob answers: k+1 still uses Bob's stolen share.
      a.rekey();
      const frameK1 = await a.seal(bytes("epoch k+1"));
      assert.equal(text(await b.open(frameK1)), "epoch k+1");
      const inK1 = await follow(stolenChain, frameK1, stolen, roomId);
      assert.equal(text(inK1!.plaintext), "epoch k+1"); // readable: the honest limit

      // Bob answers Alice's step with a fresh share (made after the compromise) ...
      await a.open(await b.seal(bytes("answer")));
      assert.equal(b.state().sendEpoch, 1);
      // ... and Alice's next step uses it: epoch k+2 is out of the attacker's reach.
      a.rekey();
      const frameK2 = await a.seal(bytes("epoch k+2"));
      assert.equal(parseHeader(frameK2).epoch, 3);
      assert.equal(text(await b.open(frameK2)), "epoch k+2");
      // Every private share from the compromise fails on the step of k+2 (Bob's answer share and
      // Alice's new one were made after it).
      assert.equal(await follow(inK1!.keys, frameK2, stolen, roomId), null);
    },
  );
});
