import assert from "node:assert/strict";
import { KeyAgreementError } from "./errors.ts";
import {
  encapsulate,
  generateKemKeyPair,
  KEM_CIPHERTEXT_LENGTH,
  KEM_PUBLIC_KEY_LENGTH,
  supportsWebCryptoKem,
  webCryptoKemKeyPair,
} from "./kem.ts";

Deno.test("ML-KEM-768", async (t) => {
  await t.step("behavior: Deno's WebCrypto has ML-KEM-768, and it is the default", async () => {
    assert.equal(await supportsWebCryptoKem(), true);
    assert.equal((await generateKemKeyPair()).backend, "webcrypto");
  });
  for (const backend of ["webcrypto", "noble"] as const) {
    await t.step(`behavior: ${backend} pairs round-trip with either encapsulation`, async () => {
      const pair = await generateKemKeyPair({ backend });
      assert.equal(pair.publicKey.length, KEM_PUBLIC_KEY_LENGTH);
      for (const random of [undefined, new Uint8Array(32).fill(7)]) {
        const { ciphertext, sharedSecret } = await encapsulate(pair.publicKey, { random });
        assert.equal(ciphertext.length, KEM_CIPHERTEXT_LENGTH);
        assert.deepEqual(await pair.decapsulate(ciphertext), sharedSecret);
      }
    });
  }
  await t.step("behavior: a seed gives the same key every time (vectors only)", async () => {
    const seed = new Uint8Array(64).fill(1);
    const [a, b] = [await generateKemKeyPair({ seed }), await generateKemKeyPair({ seed })];
    assert.deepEqual(a.publicKey, b.publicKey);
    assert.equal(a.backend, "noble");
  });
  await t.step("error: a wrong ciphertext gives another secret (implicit rejection)", async () => {
    const pair = await generateKemKeyPair();
    const { ciphertext, sharedSecret } = await encapsulate(pair.publicKey);
    ciphertext[5] ^= 1;
    assert.notDeepEqual(await pair.decapsulate(ciphertext), sharedSecret);
  });
  await t.step("error: a ciphertext or key of the wrong length is refused", async () => {
    for (const backend of ["webcrypto", "noble"] as const) {
      const pair = await generateKemKeyPair({ backend });
      await assert.rejects(
        pair.decapsulate(new Uint8Array(KEM_CIPHERTEXT_LENGTH - 1)),
        (e) => e instanceof KeyAgreementError && /1088 bytes/.test(e.message),
      );
    }
    await assert.rejects(
      encapsulate(new Uint8Array(KEM_PUBLIC_KEY_LENGTH + 1)),
      (e) => e instanceof KeyAgreementError && /1184 bytes/.test(e.message),
    );
  });
  await t.step("error: a key whose coefficients are out of range is refused", async () => {
    // FIPS 203 section 7.2 modulus check: 0xff.. encodes 12-bit values of 4095 > q.
    const bad = new Uint8Array(KEM_PUBLIC_KEY_LENGTH).fill(0xff);
    await assert.rejects(encapsulate(bad), KeyAgreementError);
    await assert.rejects(encapsulate(bad, { random: new Uint8Array(32) }), KeyAgreementError);
  });
  await t.step("behavior: a WebCrypto pair rebuilt from its kept parts decapsulates", async () => {
    const made = await generateKemKeyPair({ backend: "webcrypto" });
    assert.equal(made.privateKey?.extractable, false);
    assert.equal((await generateKemKeyPair({ backend: "noble" })).privateKey, undefined);
    const again = webCryptoKemKeyPair(made.publicKey, made.privateKey!);
    const { ciphertext, sharedSecret } = await encapsulate(made.publicKey);
    assert.deepEqual(await again.decapsulate(ciphertext), sharedSecret);
  });
  await t.step("error: kept parts of the wrong kind are refused", async () => {
    const made = await generateKemKeyPair({ backend: "webcrypto" });
    const ecdh = await crypto.subtle.generateKey({ name: "X25519" }, false, ["deriveBits"]);
    const cases: [Uint8Array, CryptoKey, RegExp][] = [
      [made.publicKey.slice(1), made.privateKey!, /1184 bytes/],
      [made.publicKey, (ecdh as CryptoKeyPair).privateKey, /not an ML-KEM-768 private key/],
      [made.publicKey, null as unknown as CryptoKey, /not an ML-KEM-768 private key/],
    ];
    for (const [pub, priv, why] of cases) {
      assert.throws(
        () => webCryptoKemKeyPair(pub, priv),
        (e) => e instanceof KeyAgreementError && why.test(e.message),
      );
    }
  });
});
