/**
 * The primitives the core wraps, checked against published vectors (issue 11, item 7), with
 * WebCrypto as the core calls it: HKDF-SHA-256 (RFC 5869 appendix A.1–A.3), AES-256-GCM (the GCM
 * specification's test cases 13 and 14, McGrew and Viega, "The Galois/Counter Mode of Operation",
 * 2005, also NIST's gcmEncryptExtIV256 set), X25519 (RFC 7748 section 5.2, first vector), and
 * ML-KEM-768 across its two implementations (noble's deterministic FIPS 203 KeyGen_internal and
 * Encaps_internal against Deno's WebCrypto from the same seed).
 */
import assert from "node:assert/strict";
import { ml_kem768 } from "@noble/post-quantum/ml-kem.js";
import { bytesToHex, hexToBytes } from "./bytes.ts";

const subtle = crypto.subtle;
const hex = (h: string) => hexToBytes(`0x${h}`) as Uint8Array<ArrayBuffer>;
const range = (from: number, to: number) =>
  Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function hkdf(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number) {
  const key = await subtle.importKey("raw", ikm as BufferSource, "HKDF", false, ["deriveBits"]);
  const params = { name: "HKDF", hash: "SHA-256", salt, info } as HkdfParams;
  return bytesToHex(new Uint8Array(await subtle.deriveBits(params, key, length * 8))).slice(2);
}

Deno.test("public vectors: HKDF-SHA-256, RFC 5869 appendix A", async (t) => {
  await t.step("A.1: basic test case", async () => {
    assert.equal(
      await hkdf(new Uint8Array(22).fill(0x0b), range(0x00, 0x0c), range(0xf0, 0xf9), 42),
      "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
    );
  });
  await t.step("A.2: longer inputs and outputs", async () => {
    assert.equal(
      await hkdf(range(0x00, 0x4f), range(0x60, 0xaf), range(0xb0, 0xff), 82),
      "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87",
    );
  });
  await t.step("A.3: zero-length salt and info", async () => {
    assert.equal(
      await hkdf(new Uint8Array(22).fill(0x0b), new Uint8Array(0), new Uint8Array(0), 42),
      "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
    );
  });
});

Deno.test("public vectors: AES-256-GCM, GCM specification test cases 13 and 14", async (t) => {
  const key = await subtle.importKey("raw", new Uint8Array(32), "AES-GCM", false, [
    "encrypt",
    "decrypt",
  ]);
  const iv = new Uint8Array(12);
  await t.step("13: empty plaintext, the tag only", async () => {
    const out = new Uint8Array(
      await subtle.encrypt({ name: "AES-GCM", iv }, key, new Uint8Array()),
    );
    assert.equal(bytesToHex(out).slice(2), "530f8afbc74536b9a963b4f1c4cb738b");
  });
  await t.step("14: one zero block; a flipped tag bit is refused", async () => {
    const out = new Uint8Array(
      await subtle.encrypt({ name: "AES-GCM", iv }, key, new Uint8Array(16)),
    );
    assert.equal(
      bytesToHex(out).slice(2),
      "cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919",
    );
    out[31] ^= 1;
    await assert.rejects(subtle.decrypt({ name: "AES-GCM", iv }, key, out));
  });
});

Deno.test("public vectors: X25519, RFC 7748 section 5.2", async () => {
  const pkcs8 = hex(
    "302e020100300506032b656e04220420" +
      "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
  );
  const scalar = await subtle.importKey("pkcs8", pkcs8, { name: "X25519" }, false, ["deriveBits"]);
  const u = await subtle.importKey(
    "raw",
    hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"),
    { name: "X25519" },
    true,
    [],
  );
  const out = await subtle.deriveBits(
    { name: "X25519", public: u } as EcdhKeyDeriveParams,
    scalar,
    256,
  );
  assert.equal(
    bytesToHex(new Uint8Array(out)).slice(2),
    "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
  );
});

Deno.test("ML-KEM-768: noble and WebCrypto agree from the same seeds", async (t) => {
  // deno-lint-ignore no-explicit-any
  const s = subtle as any;
  for (let n = 0; n < 8; n++) {
    await t.step(`behavior: seed ${n}: same encapsulation key, same secret both ways`, async () => {
      const seed = Uint8Array.from({ length: 64 }, (_, i) => (i * 7 + n * 31) & 0xff);
      const noble = ml_kem768.keygen(seed);
      const priv = await s.importKey("raw-seed", seed, { name: "ML-KEM-768" }, false, [
        "decapsulateBits",
      ]);
      const pub = await s.getPublicKey(priv, ["encapsulateBits"]);
      assert.deepEqual(new Uint8Array(await s.exportKey("raw-public", pub)), noble.publicKey);
      const m = Uint8Array.from({ length: 32 }, (_, i) => i ^ n);
      const { cipherText, sharedSecret } = ml_kem768.encapsulate(noble.publicKey, m);
      const ss = new Uint8Array(await s.decapsulateBits({ name: "ML-KEM-768" }, priv, cipherText));
      assert.deepEqual(ss, sharedSecret);
      const wc = await s.encapsulateBits({ name: "ML-KEM-768" }, pub);
      assert.deepEqual(
        ml_kem768.decapsulate(new Uint8Array(wc.ciphertext), noble.secretKey),
        new Uint8Array(wc.sharedKey),
      );
    });
  }
});
