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
} from "./key_schedule.ts";
import { makeHello, parseHello } from "./handshake.ts";
import { encodeStep } from "./ratchet.ts";
import {
  ALICE,
  BOB,
  connectionPair,
  sessionPair,
  TEST_ROOM_ID,
  testFingerprint,
} from "../../testing/core_fixtures.ts";

async function crossOpen(from: EpochKeys, to: EpochKeys, roomId: Uint8Array): Promise<Uint8Array> {
  const step = from.epoch === 0
    ? new Uint8Array(0)
    : encodeStep({ answer: false, peerEpoch: 0, share: new Uint8Array(32) });
  const frame = await sealFrame(
    { key: from.key, roomId, direction: from.direction },
    from.epoch,
    0n,
    Uint8Array.of(7),
    step,
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
    for (const k of [...all, a.keyPair.privateKey]) assert.equal(k.extractable, false);
    // Deno has WebCrypto ML-KEM: the session's decapsulation key is a CryptoKey there.
    assert.equal(a.kemKeyPair.backend, "webcrypto");
    assert.deepEqual(keys.send.key.usages, ["encrypt"]);
    assert.deepEqual(keys.receive.key.usages, ["decrypt"]);
    assert.equal(keys.send.chain.algorithm.name, "HKDF");
  });
  await t.step(
    "behavior: the same hellos give the same keys, any other hello new ones",
    async () => {
      const [a, b] = await sessionPair();
      const [ha, hb] = [await makeHello(a.session), await makeHello(b.session)];
      const peerOf = (h: typeof ha) => ({ ...parseHello(h.hello, "X25519")!, hello: h.hello });
      const copy = (h: typeof ha) => ({ ...h, kemSecret: h.kemSecret.slice() });
      const c1 = await deriveConnectionKeys(a.session, copy(ha), peerOf(hb));
      const c2 = await deriveConnectionKeys(b.session, copy(hb), peerOf(ha));
      assert.deepEqual(c1.sendConfirmation, c2.receiveConfirmation);
      assert.deepEqual(await crossOpen(c1.send, c2.receive, c1.roomId), Uint8Array.of(7));
      // Per connection: Bob's fresh hello (new ephemeral, new encapsulation) makes other keys.
      const hb2 = await makeHello(b.session);
      const c3 = await deriveConnectionKeys(b.session, copy(hb2), peerOf(ha));
      assert.notDeepEqual(c3.receiveConfirmation, c1.sendConfirmation);
      await assert.rejects(crossOpen(c1.send, c3.receive, c1.roomId), { name: "FrameError" });
    },
  );
  await t.step("behavior: each KEM secret and each DH term changes the root", async () => {
    const [a, b] = await sessionPair();
    const [ha, hb] = [await makeHello(a.session), await makeHello(b.session)];
    const peerOf = (h: typeof ha) => ({ ...parseHello(h.hello, "X25519")!, hello: h.hello });
    const copy = (h: typeof ha) => ({ ...h, kemSecret: h.kemSecret.slice() });
    const base = await deriveConnectionKeys(a.session, copy(ha), peerOf(hb));
    // Our own KEM secret wrong (the hello still says what it said).
    const wrongKem = { ...copy(ha), kemSecret: new Uint8Array(32) };
    // Another ephemeral private key under the same public share.
    const wrongEphemeral = { ...copy(ha), ephemeral: await generateEcdhKeyPair() };
    // The peer's ciphertext altered (ML-KEM's implicit rejection gives another secret).
    const altered = peerOf(hb);
    altered.ciphertext = altered.ciphertext.slice();
    altered.ciphertext[0] ^= 1;
    for (
      const [self, peer] of [
        [wrongKem, peerOf(hb)],
        [wrongEphemeral, peerOf(hb)],
        [copy(ha), altered],
      ] as const
    ) {
      const other = await deriveConnectionKeys(a.session, self, peer);
      assert.notDeepEqual(other.sendConfirmation, base.sendConfirmation);
    }
  });
  await t.step("behavior: a different transcript or room gives unrelated keys", async () => {
    const [a, b] = await sessionPair();
    const otherFingerprint = await deriveSessionKeys({
      roomId: TEST_ROOM_ID,
      keyPair: b.keyPair,
      kemKeyPair: b.kemKeyPair,
      self: { address: BOB, fingerprint: testFingerprint(0x99) }, // not the fingerprint Alice saw
      peer: a.party,
    });
    const otherRoom = await deriveSessionKeys({
      roomId: `0x${"cd".repeat(32)}`,
      keyPair: b.keyPair,
      kemKeyPair: b.kemKeyPair,
      self: b.party,
      peer: a.party,
    });
    for (const session of [otherFingerprint, otherRoom]) {
      const [mine, theirs] = await connectionPair(a.session, session);
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
      kemKeyPair: a.kemKeyPair,
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
    await assert.rejects(
      deriveSessionKeys({ ...base, peer: { ...b.party, kemKey: new Uint8Array(1183) } }),
      TypeError,
    );
    const mine = await makeHello(a.session);
    const theirs = await makeHello(b.session);
    const peer = { ...parseHello(theirs.hello, "X25519")!, hello: theirs.hello };
    await assert.rejects(
      deriveConnectionKeys(a.session, mine, { ...peer, ephemeral: new Uint8Array(32) }),
      KeyAgreementError,
    );
    await assert.rejects(
      deriveConnectionKeys(a.session, mine, { ...peer, ciphertext: new Uint8Array(1087) }),
      KeyAgreementError,
    );
  });
});
