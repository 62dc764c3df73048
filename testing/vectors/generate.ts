/**
 * Writes the published test vectors (app/core/vectors/*.json) from `inputs.ts`, computing the
 * outputs with the core (`compute.ts`) and the intermediate key-schedule values with the plain
 * reference (`reference.ts`). Run: `deno run --allow-write=app/core/vectors testing/vectors/generate.ts`,
 * then `deno fmt app/core/vectors`. `app/core/vectors_test.ts` checks the files against both.
 * @module
 */
import { ml_kem768 } from "@noble/post-quantum/ml-kem.js";
import type { EcdhCurve } from "../../app/core/ecdh.ts";
import {
  commitmentOutputs,
  fileTreeOutputs,
  frameOutputs,
  groupOutputs,
  keyPairFromPkcs8,
  keyScheduleOutputs,
  safetyNumberOutputs,
  vectorParty,
} from "./compute.ts";
import {
  commitmentCases,
  fileTreeCases,
  frameCases,
  groupCases,
  keyScheduleCases,
  safetyNumberCases,
} from "./inputs.ts";
import { fromHex, keySchedule, toHex, transcript } from "./reference.ts";

/** Raw ECDH bits between a fixed private key and a raw public key (vectors only). */
async function dh(curve: EcdhCurve, privateKey: CryptoKey, publicKey: Uint8Array) {
  const algorithm = curve === "X25519" ? { name: "X25519" } : { name: "ECDH", namedCurve: "P-256" };
  const peer = await crypto.subtle.importKey("raw", publicKey as BufferSource, algorithm, true, []);
  return new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: algorithm.name, public: peer } as EcdhKeyDeriveParams,
      privateKey,
      256,
    ),
  );
}

/**
 * The hybrid's raw secrets and per-epoch secrets from the reference (raw bytes are fine in
 * vectors): each KEM secret from noble with the case's seeds and randomness, both DH terms from
 * WebCrypto, then the reference key schedule.
 */
export async function intermediates(
  input: (typeof keyScheduleCases)[number]["input"],
): Promise<Record<string, string>> {
  const { curve } = input;
  const a = await vectorParty(curve, input.alice);
  const b = await vectorParty(curve, input.bob);
  const ea = await keyPairFromPkcs8(curve, input.alice.ephemeralPkcs8);
  const eb = await keyPairFromPkcs8(curve, input.bob.ephemeralPkcs8);
  // Alice encapsulates to Bob's key with her randomness, Bob to Alice's with his.
  const kemA = ml_kem768.encapsulate(b.kemKeyPair.publicKey, fromHex(input.alice.kemRandom));
  const kemB = ml_kem768.encapsulate(a.kemKeyPair.publicKey, fromHex(input.bob.kemRandom));
  const t = transcript(
    { ...a.party, address: fromHex(input.alice.address) },
    { ...b.party, address: fromHex(input.bob.address) },
  );
  const hello = (p: typeof input.alice, e: Uint8Array, ct: Uint8Array) =>
    new Uint8Array([...enc.encode("M3H2"), ...fromHex(p.nonce), ...e, ...ct]);
  const helloA = hello(input.alice, ea.publicKey, kemA.cipherText);
  const helloB = hello(input.bob, eb.publicKey, kemB.cipherText);
  // First DH ratchet step of each direction: the sender's ratchet share with the receiver's
  // hello share (the receiver's share of its epoch 0).
  const ra = await keyPairFromPkcs8(curve, input.alice.ratchetPkcs8);
  const rb = await keyPairFromPkcs8(curve, input.bob.ratchetPkcs8);
  const step = (share: Uint8Array) => new Uint8Array([0, 0, 0, 0, 0, share.length, ...share]); // not an answer, peer epoch 0
  const aliceStep = { dh: await dh(curve, ra.privateKey, eb.publicKey), step: step(ra.publicKey) };
  const bobStep = { dh: await dh(curve, rb.privateKey, ea.publicKey), step: step(rb.publicKey) };
  const parts = {
    kemLow: t.aIsLow ? kemA.sharedSecret : kemB.sharedSecret,
    kemHigh: t.aIsLow ? kemB.sharedSecret : kemA.sharedSecret,
    dhEphemeral: await dh(curve, ea.privateKey, eb.publicKey),
    dhStatic: await dh(curve, a.keyPair.privateKey, b.keyPair.publicKey),
  };
  return {
    kemSecretAlice: toHex(kemA.sharedSecret),
    kemSecretBob: toHex(kemB.sharedSecret),
    dhEphemeral: toHex(parts.dhEphemeral),
    dhStatic: toHex(parts.dhStatic),
    aliceHello: toHex(helloA),
    bobHello: toHex(helloB),
    ...(await keySchedule(
      parts,
      fromHex(input.roomId),
      t.bytes,
      t.aIsLow ? helloA : helloB,
      t.aIsLow ? helloB : helloA,
      t.aIsLow
        ? { lowToHigh: aliceStep, highToLow: bobStep }
        : { lowToHigh: bobStep, highToLow: aliceStep },
    )),
  };
}

const enc = new TextEncoder();
const HEAD =
  "Mesh3 v2 test vectors; see docs/CRYPTO.md. Hex strings are lower case without 0x unless the field is an EVM value.";

async function write(name: string, about: string, cases: unknown[]) {
  const path = new URL(`../../app/core/vectors/${name}.json`, import.meta.url);
  await Deno.writeTextFile(
    path,
    JSON.stringify({ about: `${HEAD} ${about}`, cases }, null, 2) + "\n",
  );
}

if (import.meta.main) {
  await write(
    "commitment",
    'computeCommitment (protocol v2): keccak256(abi.encode(keccak256("mesh3/key-commitment/v2"), uint256 chainId, address registry, bytes32 roomId, address member, bytes publicKey, bytes32 fingerprint, bytes32 kemKeyHash)); kemKeyHash = keccak256(ML-KEM-768 encapsulation key of ML-KEM.KeyGen_internal(d || z = kemSeed)); stored = leading 24 bytes.',
    commitmentCases.map((c) => ({ ...c, output: commitmentOutputs(c.input) })),
  );
  await write(
    "frame",
    "sealFrame with a raw AES-256-GCM key: header (with the epoch's DH step after epoch 0), IV, AAD and the whole frame.",
    await Promise.all(frameCases.map(async (c) => ({ ...c, output: await frameOutputs(c.input) }))),
  );
  await write(
    "key_schedule",
    'Protocol v2 hybrid handshake of both parties from fixed keys: static ECDH (PKCS #8), ML-KEM-768 (FIPS 203 seed d || z), and fixed hello material (nonce, ephemeral PKCS #8, encapsulation randomness m). Per party: its hello ("M3H2" || nonce || ephemeral share || ML-KEM ciphertext to the peer), then its frames: confirmation (sequence 0), each message, then after a rekey (epoch 1, a DH ratchet step with the party\'s fixed ratchet share against the peer\'s hello share: chain_1 = HKDF(chain_0, salt = DH, "mesh3/v2 ratchet" || 0x00 || u32 d || u32 1 || step)) each message again. `intermediate` holds the raw secrets (both KEM secrets, both DH terms, the root, each direction\'s chains and keys) a second implementation can compare step by step.',
    await Promise.all(keyScheduleCases.map(async (c) => ({
      ...c,
      output: await keyScheduleOutputs(c.input),
      intermediate: await intermediates(c.input),
    }))),
  );
  await write(
    "safety_number",
    'computeSafetyNumber (v2): PBKDF2-HMAC-SHA-512 of len(pk) || pk || fingerprint || keccak256(kemKey of kemSeed), salt "mesh3/safety-number/v2" || 0x00 || address, 16384 iterations, per party; halves sorted.',
    await Promise.all(
      safetyNumberCases.map(async (c) => ({ ...c, output: await safetyNumberOutputs(c.input) })),
    ),
  );
  await write(
    "group",
    'Group consistency (v2): roster = SHA-256("mesh3/v2/roster" || 0x00 || roomId || u16 n || for each member sorted by address bytes: address (20) || commitment (32)); messageHash = SHA-256("mesh3/v2/group-message" || 0x00 || roomId || author (20) || u8 len(id) || id || roster || u64 sentAt || UTF-8 text), the text sent by `author` under that roster.',
    await Promise.all(groupCases.map(async (c) => ({ ...c, output: await groupOutputs(c.input) }))),
  );
  await write(
    "file_tree",
    'File tree root (v2, section 7a): the file is fileTreeBytes(size, seed): byte i = the top byte of the low 32 bits of (i + seed) * 2654435761; n = ceil(size / chunkSize) leaves, leaf i = SHA-256(chunk i); each level pairs nodes as SHA-256(0x01 || left || right), an odd last node moves up unchanged; top = the last node, or SHA-256("") when n = 0; root = SHA-256("mesh3/v2/file-tree" || 0x00 || u64 size || u32 chunkSize || top).',
    await Promise.all(
      fileTreeCases.map(async (c) => ({ ...c, output: await fileTreeOutputs(c.input) })),
    ),
  );
}
