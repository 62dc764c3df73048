import assert from "node:assert/strict";
import { handshake } from "./handshake.ts";
import type { ConnectionKeys } from "./key_schedule.ts";
import { encodeStep, ratchetEpochKeys } from "./ratchet.ts";
import { memoryTransportPair } from "../../testing/memory_transport.ts";
import { deriveSubChannelKeys } from "./sub_keys.ts";
import { sessionPair } from "../../testing/core_fixtures.ts";

const iv = new Uint8Array(12);
const encrypt = async (key: CryptoKey, data: Uint8Array) =>
  new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, data as BufferSource));
const decrypt = async (key: CryptoKey, data: Uint8Array) =>
  new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv }, key, data as BufferSource));

Deno.test("deriveSubChannelKeys", async (t) => {
  const [a, b] = await sessionPair();

  await t.step("behavior: our send key is the peer's receive key, each way", async () => {
    const [fa, fb] = await Promise.all([
      deriveSubChannelKeys(a.keys, "files"),
      deriveSubChannelKeys(b.keys, "files"),
    ]);
    const msg = new TextEncoder().encode("chunk");
    assert.deepEqual(await decrypt(fb.receive.key, await encrypt(fa.send.key, msg)), msg);
    assert.deepEqual(await decrypt(fa.receive.key, await encrypt(fb.send.key, msg)), msg);
    assert.equal(fa.send.direction, a.keys.send.direction);
    assert.equal(fa.send.key.extractable, false);
    assert.deepEqual(fa.send.key.usages, ["encrypt"]);
    assert.deepEqual(fa.receive.key.usages, ["decrypt"]);
  });

  await t.step("behavior: another label or the chat's frame key cannot open it", async () => {
    const files = await deriveSubChannelKeys(a.keys, "files");
    const other = await deriveSubChannelKeys(b.keys, "calls");
    const sealed = await encrypt(files.send.key, new Uint8Array(10));
    await assert.rejects(decrypt(other.receive.key, sealed));
    await assert.rejects(decrypt(b.keys.receive.key, sealed));
  });

  await t.step("error: a bad label or keys past epoch 0 are refused", async () => {
    for (const label of ["", "Files", "a b", "x".repeat(65)]) {
      await assert.rejects(deriveSubChannelKeys(a.keys, label), TypeError);
    }
    const step = encodeStep({ answer: false, peerEpoch: 0, share: new Uint8Array(32).fill(9) });
    const next = await ratchetEpochKeys(a.keys.send, new Uint8Array(32), step);
    const later: ConnectionKeys = { ...a.keys, send: next };
    await assert.rejects(deriveSubChannelKeys(later, "files"), /past epoch 0/);
  });

  await t.step("behavior: handshake hands each side its connection keys once", async () => {
    const [ta, tb] = memoryTransportPair();
    const seen: ConnectionKeys[] = [];
    await Promise.all([
      handshake({ keys: a.session, transport: ta, onConnectionKeys: (k) => void seen.push(k) }),
      handshake({ keys: b.session, transport: tb, onConnectionKeys: (k) => void seen.push(k) }),
    ]);
    assert.equal(seen.length, 2);
    const [x, y] = await Promise.all(seen.map((k) => deriveSubChannelKeys(k, "files")));
    const msg = new Uint8Array([1, 2, 3]);
    assert.deepEqual(await decrypt(y.receive.key, await encrypt(x.send.key, msg)), msg);
  });
});
