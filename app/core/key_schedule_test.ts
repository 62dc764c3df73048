import assert from "node:assert/strict";
import { generateEcdhKeyPair } from "./ecdh.ts";
import { KeyAgreementError } from "./errors.ts";
import {
  DIRECTION_HIGH_TO_LOW,
  DIRECTION_LOW_TO_HIGH,
  openFrame,
  parseHeader,
  sealFrame,
} from "./frame.ts";
import {
  deriveSessionKeys,
  type EpochKeys,
  MAX_EPOCH,
  nextEpochKeys,
  type SessionKeys,
} from "./key_schedule.ts";
import { ALICE, BOB, sessionPair, TEST_ROOM_ID, testFingerprint } from "./test_fixtures.ts";

async function crossOpen(
  from: EpochKeys,
  to: EpochKeys,
  roomId: Uint8Array,
  toRoom = roomId,
): Promise<Uint8Array> {
  const frame = await sealFrame(
    { key: from.key, roomId, direction: from.direction },
    from.epoch,
    0n,
    Uint8Array.of(7),
  );
  return openFrame(
    { key: to.key, roomId: toRoom, direction: to.direction },
    frame,
    parseHeader(frame),
  );
}

Deno.test("deriveSessionKeys", async (t) => {
  for (const curve of ["X25519", "P-256"] as const) {
    await t.step(`behavior: both sides agree on keys and confirmations (${curve})`, async () => {
      const [a, b] = await sessionPair(curve);
      assert.deepEqual(a.keys.sendConfirmation, b.keys.receiveConfirmation);
      assert.deepEqual(a.keys.receiveConfirmation, b.keys.sendConfirmation);
      assert.notDeepEqual(a.keys.sendConfirmation, a.keys.receiveConfirmation);
      assert.deepEqual(a.keys.transcript, b.keys.transcript);
      assert.equal(a.keys.send.direction, DIRECTION_LOW_TO_HIGH);
      assert.equal(b.keys.send.direction, DIRECTION_HIGH_TO_LOW);
      assert.deepEqual(
        await crossOpen(a.keys.send, b.keys.receive, a.keys.roomId),
        Uint8Array.of(7),
      );
      assert.deepEqual(
        await crossOpen(b.keys.send, a.keys.receive, a.keys.roomId),
        Uint8Array.of(7),
      );
    });
  }
  await t.step("behavior: every key is non-extractable and single-purpose", async () => {
    const [a] = await sessionPair();
    const keys: SessionKeys = a.keys;
    for (const k of [keys.send.key, keys.receive.key, keys.send.chain, keys.receive.chain]) {
      assert.equal(k.extractable, false);
    }
    assert.deepEqual(keys.send.key.usages, ["encrypt"]);
    assert.deepEqual(keys.receive.key.usages, ["decrypt"]);
    assert.equal(keys.send.chain.algorithm.name, "HKDF");
  });
  await t.step("behavior: a different transcript or room gives unrelated keys", async () => {
    const [a, b] = await sessionPair();
    const other = await deriveSessionKeys({
      roomId: TEST_ROOM_ID,
      keyPair: b.keyPair,
      self: { address: BOB, fingerprint: testFingerprint(0x99) }, // not the fingerprint Alice saw
      peer: a.party,
    });
    assert.notDeepEqual(other.receiveConfirmation, a.keys.sendConfirmation);
    await assert.rejects(crossOpen(a.keys.send, other.receive, a.keys.roomId), {
      name: "FrameError",
    });
    const otherRoom = await deriveSessionKeys({
      roomId: `0x${"cd".repeat(32)}`,
      keyPair: b.keyPair,
      self: b.party,
      peer: a.party,
    });
    assert.notDeepEqual(otherRoom.receiveConfirmation, a.keys.sendConfirmation);
  });
  await t.step("error: bad room ids, parties and peer keys are refused", async () => {
    const [a, b] = await sessionPair();
    await assert.rejects(
      deriveSessionKeys({ roomId: "0x1234", keyPair: a.keyPair, self: a.party, peer: b.party }),
      TypeError,
    );
    await assert.rejects(
      deriveSessionKeys({
        roomId: TEST_ROOM_ID,
        keyPair: a.keyPair,
        self: a.party,
        peer: { ...b.party, address: ALICE },
      }),
      RangeError,
    );
    await assert.rejects(
      deriveSessionKeys({
        roomId: TEST_ROOM_ID,
        keyPair: a.keyPair,
        self: a.party,
        peer: { ...b.party, publicKey: new Uint8Array(32) },
      }),
      KeyAgreementError,
    );
    const p256 = await generateEcdhKeyPair({ curve: "P-256" });
    await assert.rejects(
      deriveSessionKeys({ roomId: TEST_ROOM_ID, keyPair: p256, self: a.party, peer: b.party }),
      TypeError, // the transcript refuses two curves before any ECDH
    );
  });
});

Deno.test("nextEpochKeys", async (t) => {
  await t.step("behavior: both sides step to the same next epoch, and it differs", async () => {
    const [a, b] = await sessionPair();
    const s1 = await nextEpochKeys(a.keys.send);
    const r1 = await nextEpochKeys(b.keys.receive);
    assert.equal(s1.epoch, 1);
    assert.deepEqual(s1.key.usages, ["encrypt"]);
    assert.deepEqual(r1.key.usages, ["decrypt"]);
    assert.deepEqual(await crossOpen(s1, r1, a.keys.roomId), Uint8Array.of(7));
    await assert.rejects(
      crossOpen({ ...s1, epoch: 1 }, { ...b.keys.receive, epoch: 1 }, a.keys.roomId),
      {
        name: "FrameError",
      },
    );
    const s2 = await nextEpochKeys(s1);
    const r2 = await nextEpochKeys(await nextEpochKeys(b.keys.receive));
    assert.deepEqual(await crossOpen(s2, r2, a.keys.roomId), Uint8Array.of(7));
  });
  await t.step("error: the epoch number does not wrap", async () => {
    const [a] = await sessionPair();
    await assert.rejects(nextEpochKeys({ ...a.keys.send, epoch: MAX_EPOCH }), RangeError);
  });
});
