import assert from "node:assert/strict";
import type { Address, Hex } from "viem";
import { fakeCertificate } from "../../testing/fake_rtc.ts";
import { MemoryKeeper } from "../../testing/memory_keeper.ts";
import { ChainUnavailableError } from "../chain/errors.ts";
import type { CommitmentReader } from "../chain/offer_check.ts";
import { storedCommitment } from "../core/commitment.ts";
import { generateKemKeyPair } from "../core/kem.ts";
import { keepKeys, keptKeysId, restoreKeys } from "./key_keeper.ts";
import { makeSessionKeys } from "./session_keys.ts";

const where = {
  chainId: 31337,
  registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Address,
  roomId: `0x${"11".repeat(32)}` as Hex,
  member: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Address,
};
const HOUR = 3_600_000;
const rtc = { generateCertificate: () => Promise.resolve(fakeCertificate()) } as never;

/** A chain holding `commitment` (24 stored bytes) for the member, or nothing. */
function chainWith(commitment: Hex | null): CommitmentReader {
  return {
    room: () => Promise.resolve(null),
    commitment: () =>
      Promise.resolve(
        commitment ? { commitment: storedCommitment(commitment), blockNumber: 7n } : null,
      ),
    nowSeconds: () => Date.now() / 1000,
  };
}

Deno.test("keepKeys and restoreKeys", async (t) => {
  const { privateKey: extractable } = await crypto.subtle.generateKey({ name: "X25519" }, true, [
    "deriveBits",
  ]) as CryptoKeyPair;
  await t.step("behavior: kept keys come back when the chain holds their commitment", async () => {
    const keeper = new MemoryKeeper();
    const keys = await makeSessionKeys(rtc, where);
    const until = await keepKeys(keeper, keys, where, 2 * HOUR);
    assert.ok(until! > Date.now() + HOUR && until! <= Date.now() + 2 * HOUR);
    const r = await restoreKeys(keeper, chainWith(keys.commitment), where);
    assert.ok("keys" in r);
    assert.equal(r.keys.commitment, keys.commitment);
    assert.equal(r.keys.kemKeyPair.backend, "webcrypto");
    assert.equal(r.keys.keyPair.privateKey.extractable, false);
    assert.notEqual(r.keys.keyPair.privateKey, keys.keyPair.privateKey, "a copy, as IndexedDB");
    assert.equal(r.expiresAt, until);
  });

  await t.step("behavior: a key pair held as bytes (noble ML-KEM) is never kept", async () => {
    const keeper = new MemoryKeeper();
    const keys = await makeSessionKeys(rtc, where);
    const noble = { ...keys, kemKeyPair: await generateKemKeyPair({ backend: "noble" }) };
    assert.equal(await keepKeys(keeper, noble, where, HOUR), null);
    assert.equal(await keepKeys(keeper, keys, where, 0), null);
    assert.equal(keeper.records.size, 0);
  });

  await t.step("behavior: the certificate's own expiry bounds the time kept", async () => {
    const keeper = new MemoryKeeper();
    const keys = await makeSessionKeys(rtc, where);
    const cert = { ...keys.certificate, expires: Date.now() + 3 * HOUR };
    cert.getFingerprints = keys.certificate.getFingerprints;
    const until = await keepKeys(keeper, { ...keys, certificate: cert }, where, 24 * HOUR);
    assert.ok(until! <= Date.now() + 3 * HOUR);
  });

  const refusals: [string, (k: MemoryKeeper, c: Hex) => CommitmentReader, string][] = [
    ["nothing on chain", () => chainWith(null), "mismatch"],
    ["another commitment on chain", () => chainWith(`0x${"ab".repeat(32)}`), "mismatch"],
    ["expired", (k, c) => {
      for (const r of k.records.values()) r.expiresAt = Date.now() - 1;
      return chainWith(c);
    }, "expired"],
    ["a commitment field that does not hash from the keys", (k) => {
      const other = `0x${"cd".repeat(32)}` as Hex;
      for (const r of k.records.values()) r.commitment = other;
      return chainWith(other);
    }, "unusable"],
    ["an extractable private key", (k, c) => {
      for (const r of k.records.values()) r.ecdh.privateKey = extractable;
      return chainWith(c);
    }, "unusable"],
    ["a private key that is no CryptoKey", (k, c) => {
      for (const r of k.records.values()) r.kem.privateKey = { type: "private" } as CryptoKey;
      return chainWith(c);
    }, "unusable"],
  ];
  for (const [what, setUp, why] of refusals) {
    await t.step(`error: ${what} is refused as ${why} and erased`, async () => {
      const keeper = new MemoryKeeper();
      const keys = await makeSessionKeys(rtc, where);
      await keepKeys(keeper, keys, where, HOUR);
      const r = await restoreKeys(keeper, setUp(keeper, keys.commitment), where);
      assert.deepEqual(r, { refused: why });
      assert.equal(keeper.records.size, 0);
    });
  }

  await t.step("error: keys of another room or member are not found", async () => {
    const keeper = new MemoryKeeper();
    const keys = await makeSessionKeys(rtc, where);
    await keepKeys(keeper, keys, where, HOUR);
    const elsewhere = { ...where, roomId: `0x${"22".repeat(32)}` as Hex };
    assert.deepEqual(await restoreKeys(keeper, chainWith(keys.commitment), elsewhere), {
      refused: "none",
    });
    assert.notEqual(keptKeysId(elsewhere), keptKeysId(where));
  });

  await t.step("error: an unreachable chain fails closed and keeps the record", async () => {
    const keeper = new MemoryKeeper();
    const keys = await makeSessionKeys(rtc, where);
    await keepKeys(keeper, keys, where, HOUR);
    const down: CommitmentReader = {
      ...chainWith(null),
      commitment: () => Promise.reject(new ChainUnavailableError("connection refused")),
    };
    await assert.rejects(restoreKeys(keeper, down, where), ChainUnavailableError);
    assert.equal(keeper.records.size, 1);
  });
});
