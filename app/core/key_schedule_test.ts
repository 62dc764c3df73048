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
  type ConnectionKeys,
  deriveConnectionKeys,
  deriveSessionKeys,
  type EpochKeys,
  MAX_EPOCH,
  nextEpochKeys,
} from "./key_schedule.ts";
import {
  ALICE,
  BOB,
  sessionPair,
  TEST_ROOM_ID,
  testFingerprint,
} from "../../testing/core_fixtures.ts";

const N1 = new Uint8Array(32).fill(1);
const N2 = new Uint8Array(32).fill(2);

async function crossOpen(from: EpochKeys, to: EpochKeys, roomId: Uint8Array): Promise<Uint8Array> {
  const frame = await sealFrame(
    { key: from.key, roomId, direction: from.direction },
    from.epoch,
    0n,
    Uint8Array.of(7),
  );
  return await openFrame(
    { key: to.key, roomId, direction: to.direction },
    frame,
    parseHeader(frame),
  );
}

Deno.test("deriveSessionKeys and deriveConnectionKeys", async (t) => {
  for (const curve of ["X25519", "P-256"] as const) {
    await t.step(`behavior: both sides agree on keys and confirmations (${curve})`, async () => {
      const [a, b] = await sessionPair(curve);
      assert.deepEqual(a.session.transcript, b.session.transcript);
      assert.equal(a.session.selfIsLow, true);
      assert.equal(b.session.selfIsLow, false);
      assert.deepEqual(a.keys.sendConfirmation, b.keys.receiveConfirmation);
      assert.deepEqual(a.keys.receiveConfirmation, b.keys.sendConfirmation);
      assert.notDeepEqual(a.keys.sendConfirmation, a.keys.receiveConfirmation);
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
    const keys: ConnectionKeys = a.keys;
    const all = [keys.send.key, keys.receive.key, keys.send.chain, keys.receive.chain];
    for (const k of [...all, a.session.send.chain, a.session.receive.chain]) {
      assert.equal(k.extractable, false);
    }
    assert.deepEqual(keys.send.key.usages, ["encrypt"]);
    assert.deepEqual(keys.receive.key.usages, ["decrypt"]);
    assert.equal(keys.send.chain.algorithm.name, "HKDF");
  });
  await t.step("behavior: the same nonces give the same keys, other nonces new ones", async () => {
    const [a, b] = await sessionPair();
    const c1 = await deriveConnectionKeys(a.session, { self: N1, peer: N2 });
    const c2 = await deriveConnectionKeys(b.session, { self: N2, peer: N1 });
    const c3 = await deriveConnectionKeys(b.session, { self: N2, peer: N2 });
    assert.deepEqual(c1.sendConfirmation, c2.receiveConfirmation);
    assert.deepEqual(await crossOpen(c1.send, c2.receive, c1.roomId), Uint8Array.of(7));
    assert.notDeepEqual(c3.receiveConfirmation, c1.sendConfirmation);
    await assert.rejects(crossOpen(c1.send, c3.receive, c1.roomId), { name: "FrameError" });
    // Nonces are ordered by party, not by who computes: swapping them changes the keys.
    const swapped = await deriveConnectionKeys(b.session, { self: N1, peer: N2 });
    assert.notDeepEqual(swapped.receiveConfirmation, c1.sendConfirmation);
  });
  await t.step("behavior: a different transcript or room gives unrelated keys", async () => {
    const [a, b] = await sessionPair();
    const mine = await deriveConnectionKeys(a.session, { self: N1, peer: N2 });
    const otherFingerprint = await deriveSessionKeys({
      roomId: TEST_ROOM_ID,
      keyPair: b.keyPair,
      self: { address: BOB, fingerprint: testFingerprint(0x99) }, // not the fingerprint Alice saw
      peer: a.party,
    });
    const otherRoom = await deriveSessionKeys({
      roomId: `0x${"cd".repeat(32)}`,
      keyPair: b.keyPair,
      self: b.party,
      peer: a.party,
    });
    for (const session of [otherFingerprint, otherRoom]) {
      const theirs = await deriveConnectionKeys(session, { self: N2, peer: N1 });
      assert.notDeepEqual(theirs.receiveConfirmation, mine.sendConfirmation);
      await assert.rejects(crossOpen(mine.send, theirs.receive, mine.roomId), {
        name: "FrameError",
      });
    }
  });
  await t.step("error: bad room ids, parties, peer keys and nonces are refused", async () => {
    const [a, b] = await sessionPair();
    const base = {
      roomId: TEST_ROOM_ID,
      keyPair: a.keyPair,
      self: a.party,
      peer: b.party,
    } as const;
    await assert.rejects(deriveSessionKeys({ ...base, roomId: "0x1234" }), TypeError);
    await assert.rejects(
      deriveSessionKeys({ ...base, peer: { ...b.party, address: ALICE } }),
      RangeError,
    );
    await assert.rejects(
      deriveSessionKeys({ ...base, peer: { ...b.party, publicKey: new Uint8Array(32) } }),
      KeyAgreementError,
    );
    const p256 = await generateEcdhKeyPair({ curve: "P-256" });
    // The transcript refuses two curves before any ECDH.
    await assert.rejects(deriveSessionKeys({ ...base, keyPair: p256 }), TypeError);
    for (const bad of [new Uint8Array(0), new Uint8Array(31), new Uint8Array(33)]) {
      await assert.rejects(deriveConnectionKeys(a.session, { self: N1, peer: bad }), TypeError);
      await assert.rejects(deriveConnectionKeys(a.session, { self: bad, peer: N1 }), TypeError);
    }
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
    // The epoch-0 key cannot open epoch-1 frames.
    await assert.rejects(crossOpen(s1, { ...b.keys.receive, epoch: 1 }, a.keys.roomId), {
      name: "FrameError",
    });
    const s2 = await nextEpochKeys(s1);
    const r2 = await nextEpochKeys(await nextEpochKeys(b.keys.receive));
    assert.deepEqual(await crossOpen(s2, r2, a.keys.roomId), Uint8Array.of(7));
  });
  await t.step("error: the epoch number does not wrap", async () => {
    const [a] = await sessionPair();
    await assert.rejects(nextEpochKeys({ ...a.keys.send, epoch: MAX_EPOCH }), RangeError);
  });
});
