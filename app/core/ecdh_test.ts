import assert from "node:assert/strict";
import {
  deriveSharedSecret,
  generateEcdhKeyPair,
  importPeerPublicKey,
  supportsX25519,
} from "./ecdh.ts";
import { KeyAgreementError } from "./errors.ts";

const subtle = crypto.subtle;
const hex = (h: string) => Uint8Array.from(h.match(/../g)!, (b) => parseInt(b, 16));

async function secretBits(ikm: CryptoKey): Promise<string> {
  const bits = await subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new Uint8Array(0) },
    ikm,
    256,
  );
  return Array.from(new Uint8Array(bits), (b) => b.toString(16).padStart(2, "0")).join("");
}

// X25519 points of small order (and non-canonical encodings of them): they give the all-zero
// shared secret, which RFC 7748 section 6.1 says to refuse.
const X25519_LOW_ORDER = [
  "0000000000000000000000000000000000000000000000000000000000000000",
  "0100000000000000000000000000000000000000000000000000000000000000",
  "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
  "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
];

Deno.test("generateEcdhKeyPair", async (t) => {
  await t.step("behavior: X25519 by default where supported, 32-byte public key", async () => {
    assert.equal(await supportsX25519(), true);
    const pair = await generateEcdhKeyPair();
    assert.equal(pair.curve, "X25519");
    assert.equal(pair.publicKey.length, 32);
  });
  await t.step("behavior: P-256 on request, 65-byte uncompressed public key", async () => {
    const pair = await generateEcdhKeyPair({ curve: "P-256" });
    assert.equal(pair.publicKey.length, 65);
    assert.equal(pair.publicKey[0], 0x04);
  });
  await t.step("behavior: the private key is non-extractable", async () => {
    for (const curve of ["X25519", "P-256"] as const) {
      const pair = await generateEcdhKeyPair({ curve });
      assert.equal(pair.privateKey.extractable, false);
      await assert.rejects(subtle.exportKey("pkcs8", pair.privateKey));
    }
  });
  await t.step("behavior: fresh keys every time", async () => {
    const [a, b] = await Promise.all([generateEcdhKeyPair(), generateEcdhKeyPair()]);
    assert.notDeepEqual(a.publicKey, b.publicKey);
  });
});

Deno.test("deriveSharedSecret", async (t) => {
  for (const curve of ["X25519", "P-256"] as const) {
    await t.step(
      `behavior: both sides derive the same non-extractable secret on ${curve}`,
      async () => {
        const [a, b] = await Promise.all([
          generateEcdhKeyPair({ curve }),
          generateEcdhKeyPair({ curve }),
        ]);
        const [sa, sb] = await Promise.all([
          deriveSharedSecret(a, b.publicKey),
          deriveSharedSecret(b, a.publicKey),
        ]);
        assert.equal(sa.extractable, false);
        assert.equal(sa.algorithm.name, "HKDF");
        assert.equal(await secretBits(sa), await secretBits(sb));
      },
    );
  }
  await t.step("error: X25519 low-order points are refused with KeyAgreementError", async () => {
    const pair = await generateEcdhKeyPair({ curve: "X25519" });
    for (const point of X25519_LOW_ORDER) {
      await assert.rejects(deriveSharedSecret(pair, hex(point)), KeyAgreementError, point);
    }
  });
  await t.step("error: wrong lengths and curve mismatches are refused", async () => {
    const x = await generateEcdhKeyPair({ curve: "X25519" });
    const p = await generateEcdhKeyPair({ curve: "P-256" });
    for (const length of [0, 1, 31, 33, 64, 66, 97]) {
      await assert.rejects(deriveSharedSecret(x, new Uint8Array(length).fill(9)), {
        name: "KeyAgreementError",
        message: `Cannot use peer public key: want 32 or 65 bytes, got ${length}`,
      });
    }
    await assert.rejects(deriveSharedSecret(x, p.publicKey), {
      name: "KeyAgreementError",
      message: "Cannot use peer public key: peer uses P-256, we use X25519",
    });
    await assert.rejects(deriveSharedSecret(p, x.publicKey), {
      name: "KeyAgreementError",
      message: "Cannot use peer public key: peer uses X25519, we use P-256",
    });
  });
  await t.step("error: P-256 points off the curve or badly encoded are refused", async () => {
    const pair = await generateEcdhKeyPair({ curve: "P-256" });
    const good = (await generateEcdhKeyPair({ curve: "P-256" })).publicKey;
    const offCurve = good.slice();
    offCurve[64] ^= 1;
    const compressedPrefix = good.slice();
    compressedPrefix[0] = 0x02;
    const zero = new Uint8Array(65);
    zero[0] = 4;
    const xTooBig = new Uint8Array(65).fill(0xff);
    xTooBig[0] = 4;
    for (const bad of [offCurve, compressedPrefix, zero, xTooBig]) {
      await assert.rejects(importPeerPublicKey(bad, "P-256"), KeyAgreementError);
      await assert.rejects(deriveSharedSecret(pair, bad), KeyAgreementError);
    }
  });
});
