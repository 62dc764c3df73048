/**
 * Writes the published test vectors (app/core/vectors/*.json) from `inputs.ts`, computing the
 * outputs with the core (`compute.ts`) and the intermediate key-schedule values with the plain
 * reference (`reference.ts`). Run: `deno run --allow-write=app/core/vectors testing/vectors/generate.ts`,
 * then `deno fmt app/core/vectors`. `app/core/vectors_test.ts` checks the files against both.
 * @module
 */
import {
  commitmentOutputs,
  frameOutputs,
  keyPairFromPkcs8,
  keyScheduleOutputs,
  safetyNumberOutputs,
} from "./compute.ts";
import { commitmentCases, frameCases, keyScheduleCases, safetyNumberCases } from "./inputs.ts";
import { fromHex, keySchedule, toHex, transcript } from "./reference.ts";

/** Shared secret and per-epoch secrets, from the reference (raw bytes are fine in vectors). */
export async function intermediates(
  input: (typeof keyScheduleCases)[number]["input"],
): Promise<Record<string, string>> {
  const [ka, kb] = [
    await keyPairFromPkcs8(input.curve, input.alice.privateKeyPkcs8),
    await keyPairFromPkcs8(input.curve, input.bob.privateKeyPkcs8),
  ];
  const peer = await crypto.subtle.importKey(
    "raw",
    kb.publicKey as BufferSource,
    input.curve === "X25519" ? { name: "X25519" } : { name: "ECDH", namedCurve: "P-256" },
    true,
    [],
  );
  const shared = new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: input.curve === "X25519" ? "X25519" : "ECDH", public: peer } as EcdhKeyDeriveParams,
      ka.privateKey,
      256,
    ),
  );
  const t = transcript(
    {
      address: fromHex(input.alice.address),
      publicKey: ka.publicKey,
      fingerprint: fromHex(input.alice.fingerprint),
    },
    {
      address: fromHex(input.bob.address),
      publicKey: kb.publicKey,
      fingerprint: fromHex(input.bob.fingerprint),
    },
  );
  const [na, nb] = [fromHex(input.alice.nonce), fromHex(input.bob.nonce)];
  const nonces = t.aIsLow ? new Uint8Array([...na, ...nb]) : new Uint8Array([...nb, ...na]);
  return {
    sharedSecret: toHex(shared),
    ...(await keySchedule(shared, fromHex(input.roomId), t.bytes, nonces)),
  };
}

const HEAD =
  "Mesh3 v1 test vectors; see docs/CRYPTO.md. Hex strings are lower case without 0x unless the field is an EVM value.";

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
    'computeCommitment: keccak256(abi.encode(keccak256("mesh3/key-commitment/v1"), chainId, registry, roomId, publicKey, fingerprint)); stored = leading 24 bytes.',
    commitmentCases.map((c) => ({ ...c, output: commitmentOutputs(c.input) })),
  );
  await write(
    "frame",
    "sealFrame with a raw AES-256-GCM key: header, IV, AAD and the whole frame.",
    await Promise.all(frameCases.map(async (c) => ({ ...c, output: await frameOutputs(c.input) }))),
  );
  await write(
    "key_schedule",
    'Both parties\' keys from fixed private keys (PKCS #8) and fixed connection nonces. Per party: its hello ("M3H1" || nonce), then its frames: confirmation (sequence 0), each message, then after a rekey (epoch 1) each message again. `intermediate` holds the raw secrets a second implementation can compare step by step.',
    await Promise.all(keyScheduleCases.map(async (c) => ({
      ...c,
      output: await keyScheduleOutputs(c.input),
      intermediate: await intermediates(c.input),
    }))),
  );
  await write(
    "safety_number",
    "computeSafetyNumber: PBKDF2-HMAC-SHA-512, 16384 iterations, per party; halves sorted.",
    await Promise.all(
      safetyNumberCases.map(async (c) => ({ ...c, output: await safetyNumberOutputs(c.input) })),
    ),
  );
}
