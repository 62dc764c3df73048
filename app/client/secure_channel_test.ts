import assert from "node:assert/strict";
import {
  computeSafetyNumber,
  generateEcdhKeyPair,
  generateKemKeyPair,
  type TextMessage,
} from "../core/mod.ts";
import { ALICE, BOB, TEST_ROOM_ID, testFingerprint } from "../../testing/core_fixtures.ts";
import { memoryTransportPair } from "../../testing/memory_transport.ts";
import {
  openSecureChannel,
  prepareOwnSafetyNumber,
  prepareSecureChannel,
  type SecureChannelKeys,
} from "./secure_channel.ts";

const ZERO = `0x${"00".repeat(32)}` as const;

/** Alice's and Bob's channel keys, each side naming the other's real keys. */
async function keysPair(): Promise<[SecureChannelKeys, SecureChannelKeys]> {
  const [ka, kb, kemA, kemB] = await Promise.all([
    generateEcdhKeyPair(),
    generateEcdhKeyPair(),
    generateKemKeyPair(),
    generateKemKeyPair(),
  ]);
  const a = { address: ALICE, fingerprint: testFingerprint(0xa1) };
  const b = { address: BOB, fingerprint: testFingerprint(0xb2) };
  return [
    {
      roomId: TEST_ROOM_ID,
      keyPair: ka,
      kemKeyPair: kemA,
      self: a,
      peer: { ...b, publicKey: kb.publicKey, kemKey: kemB.publicKey },
    },
    {
      roomId: TEST_ROOM_ID,
      keyPair: kb,
      kemKeyPair: kemB,
      self: b,
      peer: { ...a, publicKey: ka.publicKey, kemKey: kemA.publicKey },
    },
  ];
}

/** Opens both sides over one in-memory pair; `readAfter` per side (default: at once). */
function openBoth(
  keys: [SecureChannelKeys, SecureChannelKeys],
  readAfter: [Promise<boolean>?, Promise<boolean>?] = [],
) {
  const transports = memoryTransportPair();
  const texts: TextMessage[][] = [[], []];
  const opened = ([0, 1] as const).map((i) =>
    openSecureChannel({
      ...keys[i],
      transport: transports[i],
      prepared: prepareSecureChannel(keys[i]),
      readAfter: readAfter[i],
      onText: (t) => texts[i].push(t),
      onReceipt: () => {},
      onBye: () => {},
      onError: () => {},
    })
  );
  return { opened, texts, transports };
}

Deno.test("openSecureChannel: both sides open with the safety number computeSafetyNumber gives and read texts", async () => {
  const keys = await keysPair();
  prepareOwnSafetyNumber({
    address: ALICE,
    publicKey: keys[0].keyPair.publicKey,
    fingerprint: keys[0].self.fingerprint,
    kemKey: keys[0].kemKeyPair.publicKey,
  });
  const { opened, texts, transports } = openBoth(keys);
  const [a, b] = await Promise.all(opened);
  const expected = await computeSafetyNumber(
    { ...keys[0].self, publicKey: keys[0].keyPair.publicKey, kemKey: keys[0].kemKeyPair.publicKey },
    keys[0].peer,
  );
  assert.equal(a.safetyNumber, expected);
  assert.equal(b.safetyNumber, expected);
  await a.channel.sendText({ id: "m1", text: "hi Bob", sentAt: 1, roster: ZERO });
  for (let i = 0; i < 50 && texts[1].length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(texts[1].map((t) => t.text), ["hi Bob"]);
  transports[0].close();
});

Deno.test("openSecureChannel: error: keys other than the peer's real ones fail key confirmation on both sides", async () => {
  const keys = await keysPair();
  const other = await generateEcdhKeyPair();
  // Bob was given another public key for Alice (as if a description had been swapped).
  keys[1] = { ...keys[1], peer: { ...keys[1].peer, publicKey: other.publicKey } };
  const { opened, texts, transports } = openBoth(keys);
  const results = await Promise.allSettled(opened);
  for (const r of results) {
    assert.equal(r.status, "rejected");
    assert.match(String((r as PromiseRejectedResult).reason), /Cannot confirm keys/);
  }
  assert.deepEqual(texts, [[], []]);
  transports[0].close();
});

Deno.test("openSecureChannel: error: a certificate check that fails (readAfter false) lets no text through", async () => {
  const keys = await keysPair();
  const { opened, texts, transports } = openBoth(keys, [undefined, Promise.resolve(false)]);
  const [a] = await Promise.all(opened);
  await a.channel.sendText({ id: "m1", text: "not to be shown", sentAt: 1, roster: ZERO });
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(texts[1], []);
  transports[0].close();
});
