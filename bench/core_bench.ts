/**
 * Benchmarks of the crypto core: `deno task bench:core`.
 * @module
 */
import { createChannel } from "../app/core/channel.ts";
import { computeCommitment } from "../app/core/commitment.ts";
import { generateEcdhKeyPair } from "../app/core/ecdh.ts";
import { makeHello } from "../app/core/handshake.ts";
import { deriveConnectionKeys, deriveSessionKeys } from "../app/core/key_schedule.ts";
import { encapsulate, generateKemKeyPair } from "../app/core/kem.ts";
import { encodeStep, ratchetDh, ratchetEpochKeys } from "../app/core/ratchet.ts";
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

// Issue 11's throughput target, CPU only (no DataChannel, so no network noise): 1 MiB in 16 KiB
// frames sealed and opened, without epoch changes (baseline) and with one epoch change, a DH
// ratchet step, per MiB (target: at least 0.95x the baseline's rate).
const frame16 = new Uint8Array(16 * 1024).fill(3);
const perMiB = 64;
for (const ratcheted of [false, true]) {
  const [pa, pb] = await sessionPair();
  const s = createChannel({ keys: pa.keys });
  const r = createChannel({ keys: pb.keys });
  Deno.bench(
    ratcheted
      ? "1 MiB sealed + opened, an epoch step (DH ratchet) per MiB"
      : "1 MiB sealed + opened",
    { group: "epoch step every 1 MiB", baseline: !ratcheted },
    async () => {
      if (ratcheted) s.rekey();
      for (let i = 0; i < perMiB; i++) await r.open(await s.seal(frame16));
    },
  );
}

const pair = await generateEcdhKeyPair();
const peer = await generateEcdhKeyPair();

// Handshake CPU, one side: what a connection costs beyond the hellos' transport. The baseline is
// X25519 alone (a fresh ephemeral pair, the ephemeral and static DH, HKDF of the root); the hybrid
// is the real v2 connection (makeHello: ephemeral pair + ML-KEM-768 encapsulation; then
// deriveConnectionKeys: both DH, decapsulation, the combiner, epoch 0 and confirmations).
const x25519 = { name: "X25519" } as const;
const peerEphemeral = await generateEcdhKeyPair();
const peerEphemeralKey = await crypto.subtle.importKey(
  "raw",
  peerEphemeral.publicKey as BufferSource,
  x25519,
  true,
  [],
);
const peerStaticKey = await crypto.subtle.importKey(
  "raw",
  b.keyPair.publicKey as BufferSource,
  x25519,
  true,
  [],
);
Deno.bench("handshake CPU: X25519 alone (ephemeral + 2 DH + HKDF)", {
  group: "handshake",
  baseline: true,
}, async () => {
  const e = await generateEcdhKeyPair();
  const [ee, ss] = await Promise.all([
    crypto.subtle.deriveBits({ ...x25519, public: peerEphemeralKey }, e.privateKey, 256),
    crypto.subtle.deriveBits({ ...x25519, public: peerStaticKey }, a.keyPair.privateKey, 256),
  ]);
  const ikm = new Uint8Array([...new Uint8Array(ee), ...new Uint8Array(ss)]);
  const k = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: new Uint8Array(64) },
    k,
    256,
  );
});
const peerHello = await makeHello(b.session);
const peerParsed = {
  hello: peerHello.hello,
  ephemeral: peerHello.ephemeral.publicKey,
  ciphertext: (await encapsulate(a.kemKeyPair.publicKey)).ciphertext,
};
Deno.bench("handshake CPU: hybrid X25519 + ML-KEM-768 (v2 connection)", {
  group: "handshake",
}, async () => {
  const mine = await makeHello(a.session);
  await deriveConnectionKeys(a.session, mine, peerParsed);
});
const nobleKem = await generateKemKeyPair({ backend: "noble" });
Deno.bench("handshake CPU: ML-KEM-768 encapsulate + decapsulate, noble (Firefox's path)", {
  group: "handshake",
}, async () => {
  const { ciphertext } = await encapsulate(nobleKem.publicKey, { random: new Uint8Array(32) });
  await nobleKem.decapsulate(ciphertext);
});
Deno.bench("key schedule: session (transcript, peer key import), one side", async () => {
  await deriveSessionKeys({
    roomId: TEST_ROOM_ID,
    keyPair: pair,
    kemKeyPair: a.kemKeyPair,
    self: { address: ALICE, fingerprint: testFingerprint(1) },
    peer: {
      address: BOB,
      publicKey: peer.publicKey,
      fingerprint: testFingerprint(2),
      kemKey: b.kemKeyPair.publicKey,
    },
  });
});

Deno.bench("rekey: next epoch with a DH step (fresh share, ECDH, HKDF)", async () => {
  const share = await generateEcdhKeyPair();
  const step = encodeStep({ answer: false, peerEpoch: 0, share: share.publicKey });
  await ratchetEpochKeys(a.keys.send, await ratchetDh(share, b.keys.ratchet.self.publicKey), step);
});

Deno.bench("generate X25519 key pair", async () => {
  await generateEcdhKeyPair();
});

Deno.bench("commitment", () => {
  computeCommitment({
    chainId: 31337,
    registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    roomId: TEST_ROOM_ID,
    member: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    publicKey: pair.publicKey,
    fingerprint: testFingerprint(1),
    kemKey: new Uint8Array(1184).fill(3),
  });
});

Deno.bench("safety number (2 x PBKDF2-SHA-512, 16384 iterations)", async () => {
  await computeSafetyNumber(a.party, b.party);
});
