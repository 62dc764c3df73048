import assert from "node:assert/strict";
import { type Hex, keccak256, toHex } from "viem";
import {
  type CommitmentInput,
  commitmentMatches,
  computeCommitment,
  storedCommitment,
} from "./commitment.ts";

const input: CommitmentInput = {
  chainId: 31337,
  registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  roomId: `0x${"11".repeat(32)}`,
  member: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  publicKey: Uint8Array.from({ length: 32 }, (_, i) => i),
  fingerprint: new Uint8Array(32).fill(0xfe),
  kemKey: Uint8Array.from({ length: 1184 }, (_, i) => i & 0xff),
};

const word = (hex: string) => hex.replace(/^0x/, "").padStart(64, "0");

/** The ABI encoding written out by hand, as a second implementation to agree with. */
function manualCommitment(i: CommitmentInput): Hex {
  const tag = keccak256(toHex("mesh3/key-commitment/v2"));
  const pk = toHex(i.publicKey).slice(2);
  const padded = pk.padEnd(Math.ceil(pk.length / 64) * 64, "0");
  const encoded = "0x" + word(tag) + word(i.chainId.toString(16)) + word(i.registry.toLowerCase()) +
    word(i.roomId) + word(i.member.toLowerCase()) + word((8 * 32).toString(16)) +
    word(toHex(i.fingerprint)) + word(keccak256(i.kemKey)) +
    word(i.publicKey.length.toString(16)) + padded;
  return keccak256(encoded as Hex);
}

Deno.test("computeCommitment", async (t) => {
  await t.step("behavior: equals a hand-written ABI encoding for X25519 and P-256 keys", () => {
    assert.equal(computeCommitment(input), manualCommitment(input));
    const p256 = { ...input, publicKey: new Uint8Array(65).fill(4) };
    assert.equal(computeCommitment(p256), manualCommitment(p256));
  });
  await t.step("behavior: every field changes the commitment", () => {
    const base = computeCommitment(input);
    const variants: CommitmentInput[] = [
      { ...input, chainId: 1 },
      { ...input, registry: "0x0000000000000000000000000000000000000001" },
      { ...input, roomId: `0x${"12".repeat(32)}` },
      { ...input, member: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" },
      { ...input, publicKey: new Uint8Array(32) },
      { ...input, fingerprint: new Uint8Array(32) },
      { ...input, kemKey: new Uint8Array(1184) },
    ];
    for (const v of variants) assert.notEqual(computeCommitment(v), base);
  });
  await t.step("error: every malformed field is refused with a TypeError", () => {
    const bad: Partial<CommitmentInput>[] = [
      { chainId: 0 },
      { chainId: -1 },
      { chainId: 1.5 },
      { chainId: Number.NaN },
      { chainId: 2 ** 53 },
      { registry: "0x1234" },
      { registry: "5FbDB2315678afecb367f032d93F642f64180aa3" as Hex },
      { roomId: "0x11" },
      { roomId: `0x${"11".repeat(33)}` },
      { roomId: `0x${"zz".repeat(32)}` as Hex },
      { publicKey: new Uint8Array(0) },
      { publicKey: new Uint8Array(31) },
      { publicKey: new Uint8Array(33) },
      { publicKey: new Uint8Array(64) },
      { publicKey: new Uint8Array(66) },
      { fingerprint: new Uint8Array(31) },
      { fingerprint: new Uint8Array(33) },
      { member: "0x1234" },
      { member: undefined as unknown as Hex },
      { kemKey: new Uint8Array(1183) },
      { kemKey: new Uint8Array(0) },
      { kemKey: undefined as unknown as Uint8Array },
    ];
    for (const [i, b] of bad.entries()) {
      assert.throws(() => computeCommitment({ ...input, ...b }), TypeError, `case ${i}`);
    }
  });
  await t.step(
    "error: Mallory's slot with Bob's keys is another commitment (v2 binds the member)",
    () => {
      const bob = computeCommitment(input);
      const mallory = computeCommitment({
        ...input,
        member: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
      });
      assert.equal(commitmentMatches(mallory, storedCommitment(bob)), false);
    },
  );
  await t.step("error: a v1 commitment of the same keys never matches a v2 recomputation", () => {
    const pk = toHex(input.publicKey).slice(2);
    const v1 = keccak256(
      ("0x" + word(keccak256(toHex("mesh3/key-commitment/v1"))) + word("7a69") +
        word(input.registry.toLowerCase()) + word(input.roomId) + word((6 * 32).toString(16)) +
        word(toHex(input.fingerprint)) + word("20") + pk.padEnd(64, "0")) as Hex,
    );
    assert.equal(commitmentMatches(computeCommitment(input), storedCommitment(v1)), false);
  });
});

Deno.test("storedCommitment and commitmentMatches", async (t) => {
  const full = computeCommitment(input);
  await t.step("behavior: the stored form is the leading 24 bytes in lower case", () => {
    const stored = storedCommitment(full);
    assert.equal(stored, full.slice(0, 2 + 48).toLowerCase());
    assert.equal(commitmentMatches(full, stored), true);
    assert.equal(commitmentMatches(full, stored.toUpperCase().replace("0X", "0x") as Hex), true);
  });
  await t.step("error: zero, malformed or different stored forms do not match", () => {
    const stored = storedCommitment(full);
    const flipped = (stored.slice(0, -1) + (stored.endsWith("0") ? "1" : "0")) as Hex;
    const bad: Hex[] = [
      `0x${"00".repeat(24)}`,
      "0x",
      "0x1234",
      `${stored}00` as Hex,
      full,
      flipped,
      "0xzz" as Hex,
    ];
    for (const b of bad) assert.equal(commitmentMatches(full, b), false, b);
  });
});
