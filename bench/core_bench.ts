/**
 * Benchmarks of the crypto core: `deno task bench:core`.
 * @module
 */
import { createChannel } from "../app/core/channel.ts";
import { computeCommitment } from "../app/core/commitment.ts";
import { generateEcdhKeyPair } from "../app/core/ecdh.ts";
import {
  deriveConnectionKeys,
  deriveSessionKeys,
  nextEpochKeys,
} from "../app/core/key_schedule.ts";
import { computeSafetyNumber } from "../app/core/safety_number.ts";
import {
  ALICE,
  BOB,
  sessionPair,
  TEST_ROOM_ID,
  testFingerprint,
} from "../testing/core_fixtures.ts";

const [a, b] = await sessionPair();
// Limits at their maximum so the benchmark measures seal/open, and rekeys as they would happen.
const sender = createChannel({ keys: a.keys });
const receiver = createChannel({ keys: b.keys });
const kib = new Uint8Array(1024).fill(1);
const max = new Uint8Array(64 * 1024).fill(2);

const rawKey = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, [
  "encrypt",
]);
const iv = new Uint8Array(12);
const aad = new Uint8Array(49);

for (const [name, plaintext] of [["1 KiB", kib], ["64 KiB", max]] as const) {
  // The floor: one bare WebCrypto AES-GCM encryption of the same size.
  Deno.bench(
    `WebCrypto encrypt ${name} (floor)`,
    { group: `seal/open ${name}`, baseline: true },
    async () => {
      await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad }, rawKey, plaintext);
    },
  );
  Deno.bench(`seal ${name}`, { group: `seal/open ${name}` }, async () => {
    await sender.seal(plaintext);
  });
  // Opening needs fresh frames (sequence numbers must increase): each iteration seals 100 frames
  // outside the timed part, then times opening them. Read it per 100 frames.
  Deno.bench(`open ${name} x100`, { group: `seal/open ${name}` }, async (b) => {
    const frames = [];
    for (let i = 0; i < 100; i++) frames.push(await sender.seal(plaintext));
    b.start();
    for (const frame of frames) await receiver.open(frame);
    b.end();
  });
}

const pair = await generateEcdhKeyPair();
const peer = await generateEcdhKeyPair();
const nonce = new Uint8Array(32).fill(3);
Deno.bench("key schedule: session (ECDH + HKDF), one side", async () => {
  await deriveSessionKeys({
    roomId: TEST_ROOM_ID,
    keyPair: pair,
    self: { address: ALICE, fingerprint: testFingerprint(1) },
    peer: { address: BOB, publicKey: peer.publicKey, fingerprint: testFingerprint(2) },
  });
});

Deno.bench("key schedule: connection (nonces → epoch 0 + confirmations), one side", async () => {
  await deriveConnectionKeys(a.session, { self: nonce, peer: nonce });
});

Deno.bench("rekey: next epoch", async () => {
  await nextEpochKeys(a.keys.send);
});

Deno.bench("generate X25519 key pair", async () => {
  await generateEcdhKeyPair();
});

Deno.bench("commitment", () => {
  computeCommitment({
    chainId: 31337,
    registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    roomId: TEST_ROOM_ID,
    publicKey: pair.publicKey,
    fingerprint: testFingerprint(1),
  });
});

Deno.bench("safety number (2 x PBKDF2-SHA-512, 16384 iterations)", async () => {
  await computeSafetyNumber(a.party, b.party);
});
