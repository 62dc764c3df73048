/**
 * The fixed inputs of every published test vector (docs/CRYPTO.md, "Test vectors").
 * @module
 */
import type { Hex } from "viem";
import type {
  CommitmentCase,
  FileTreeCase,
  FrameCase,
  GroupCaseInput,
  KeyScheduleCase,
  SafetyNumberCase,
} from "./compute.ts";

/** Hardhat's first two development accounts (public, well known). */
const ACCOUNT_0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const ACCOUNT_1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const ACCOUNT_2 = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const ROOM = "0xdf0d91741366a3f6a6cde616aac6197b401c0053e124d8fcae7fec767b22c77a";
const FP_A = "be9df91c14e58e2be3f244c335e8339589e77327626fe385b4a37bc2c32d7582";
const NONCE_A = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const NONCE_B = "f0e1d2c3b4a5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff";
const FP_B = "a1adfcc65cb40ad571767b62f66b1997da631cea093ab0293aea9fa9f4ecc0a8";
/** FIPS 203 key-generation seeds d || z (64 bytes) of the vectors' ML-KEM-768 keys. */
export const KEM_SEED_A = "01".repeat(32) + "02".repeat(32);
export const KEM_SEED_B = "03".repeat(32) + "04".repeat(32);

/** RFC 7748 section 6.1 private keys, wrapped in PKCS #8 (RFC 8410). */
const X25519_PKCS8 = "302e020100300506032b656e04220420";
export const RFC7748_ALICE_PRIVATE =
  "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
export const RFC7748_BOB_PRIVATE =
  "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
/** RFC 7748 section 6.1 shared secret K. */
export const RFC7748_SHARED = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

const P256_A =
  "308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b020101042004d63d6930285932831897d008efb58eb077fb9e268374e69b7f1f566587102ca14403420004fc2ebaa1058e29841f1c3d88d8b184aafbc0b82e5bf598df9d5c1f1ba8512c5f84814a3b72288bb21a8de661283f049950b6d0c0d417191d3ed7585a738427cb";
const P256_B =
  "308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420f3529f7c61cfddeeee5fdf25c5ccb7e5636387c8cfc10fe67ef98e4b413b5cf1a14403420004f3c95a3e1c74b1a0df2b6ffeb4938daaca91ed8e3609279c5885811545cc112ca11cf801636919291b7c275205fa0cf453134dc561b9a36c4e1986b06b03a883";

const hello = (text: string) =>
  Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, "0")).join("");

export const commitmentCases: { name: string; input: CommitmentCase }[] = [
  {
    name: "X25519 key on the local development chain",
    input: {
      chainId: 31337,
      registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      roomId: ROOM,
      member: ACCOUNT_0,
      publicKey: "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
      fingerprint: FP_A,
      kemSeed: KEM_SEED_A,
    },
  },
  {
    name: "P-256 key on Sepolia",
    input: {
      chainId: 11155111,
      registry: "0x00000000000000000000000000000000000000aa",
      roomId: ROOM,
      publicKey:
        "04fc2ebaa1058e29841f1c3d88d8b184aafbc0b82e5bf598df9d5c1f1ba8512c5f84814a3b72288bb21a8de661283f049950b6d0c0d417191d3ed7585a738427cb",
      fingerprint: FP_B,
      member: ACCOUNT_1,
      kemSeed: KEM_SEED_B,
    },
  },
  {
    name: "the same keys in another member's slot (Mallory copying Bob) give another commitment",
    input: {
      chainId: 31337,
      registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      roomId: ROOM,
      member: ACCOUNT_1,
      publicKey: "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
      fingerprint: FP_A,
      kemSeed: KEM_SEED_A,
    },
  },
];

export const frameCases: { name: string; input: FrameCase }[] = [
  {
    name: "first frame low->high, empty plaintext",
    input: {
      key: "00".repeat(32),
      roomId: ROOM.slice(2),
      direction: 1,
      epoch: 0,
      sequence: "0",
      step: "",
      plaintext: "",
    },
  },
  {
    name: "text message high->low, epoch 3",
    input: {
      key: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
      roomId: ROOM.slice(2),
      direction: 2,
      epoch: 3,
      sequence: "1048577",
      // DH step: not an answer, peer epoch 2, a 32-byte share.
      step: "00" + "00000002" + "20" +
        "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
      plaintext: hello('{"type":"text","id":"m1","text":"hello","sentAt":1764000000000}'),
    },
  },
  {
    name: "last sequence number before the counter refuses",
    input: {
      key: "ff".repeat(32),
      roomId: "00".repeat(32),
      direction: 1,
      epoch: 4294967295,
      sequence: "18446744073709551615",
      // An answer step with a 65-byte P-256 share.
      step: "01" + "ffffffff" + "41" + "04" +
        "fc2ebaa1058e29841f1c3d88d8b184aafbc0b82e5bf598df9d5c1f1ba8512c5f84814a3b72288bb21a8de661283f049950b6d0c0d417191d3ed7585a738427cb",
      plaintext: hello("end"),
    },
  },
];

export const keyScheduleCases: { name: string; input: KeyScheduleCase }[] = [
  {
    name: "X25519 with the RFC 7748 section 6.1 keys (Alice has the higher address)",
    input: {
      curve: "X25519",
      roomId: ROOM,
      alice: {
        address: ACCOUNT_0,
        privateKeyPkcs8: X25519_PKCS8 + RFC7748_ALICE_PRIVATE,
        fingerprint: FP_A,
        kemSeed: KEM_SEED_A,
        nonce: NONCE_A,
        ephemeralPkcs8: X25519_PKCS8 + "a5".repeat(32),
        kemRandom: "11".repeat(32),
        ratchetPkcs8: X25519_PKCS8 + "c3".repeat(32),
      },
      bob: {
        address: ACCOUNT_1,
        privateKeyPkcs8: X25519_PKCS8 + RFC7748_BOB_PRIVATE,
        fingerprint: FP_B,
        kemSeed: KEM_SEED_B,
        nonce: NONCE_B,
        ephemeralPkcs8: X25519_PKCS8 + "5a".repeat(32),
        kemRandom: "22".repeat(32),
        ratchetPkcs8: X25519_PKCS8 + "3c".repeat(32),
      },
      messages: [
        '{"type":"text","id":"m1","text":"hello","sentAt":1764000000000}',
        '{"type":"bye"}',
      ],
    },
  },
  {
    name: "P-256 fallback (Alice has the lower address)",
    input: {
      curve: "P-256",
      roomId: ROOM,
      // The P-256 ephemerals reuse the other party's static key (any valid key does for a vector).
      alice: {
        address: ACCOUNT_1,
        privateKeyPkcs8: P256_A,
        fingerprint: FP_A,
        kemSeed: KEM_SEED_B,
        nonce: NONCE_B,
        ephemeralPkcs8: P256_B,
        kemRandom: "33".repeat(32),
        ratchetPkcs8: P256_A,
      },
      bob: {
        address: ACCOUNT_0,
        privateKeyPkcs8: P256_B,
        fingerprint: FP_B,
        kemSeed: KEM_SEED_A,
        nonce: NONCE_A,
        ephemeralPkcs8: P256_A,
        kemRandom: "44".repeat(32),
        ratchetPkcs8: P256_B,
      },
      messages: ['{"type":"receipt","id":"m1"}'],
    },
  },
];

export const safetyNumberCases: { name: string; input: SafetyNumberCase }[] = [
  {
    name: "the X25519 key-schedule parties",
    input: {
      a: {
        address: ACCOUNT_0,
        publicKey: "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
        fingerprint: FP_A,
        kemSeed: KEM_SEED_A,
      },
      b: {
        address: ACCOUNT_1,
        publicKey: "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
        fingerprint: FP_B,
        kemSeed: KEM_SEED_B,
      },
    },
  },
  {
    name: "P-256 parties, arguments in the other order give the same number",
    input: {
      a: {
        address: ACCOUNT_1,
        publicKey: "04" +
          "fc2ebaa1058e29841f1c3d88d8b184aafbc0b82e5bf598df9d5c1f1ba8512c5f84814a3b72288bb21a8de661283f049950b6d0c0d417191d3ed7585a738427cb",
        fingerprint: FP_A,
        kemSeed: KEM_SEED_B,
      },
      b: {
        address: ACCOUNT_0,
        publicKey: "04" +
          "f3c95a3e1c74b1a0df2b6ffeb4938daaca91ed8e3609279c5885811545cc112ca11cf801636919291b7c275205fa0cf453134dc561b9a36c4e1986b06b03a883",
        fingerprint: FP_B,
        kemSeed: KEM_SEED_A,
      },
    },
  },
];

export const groupCases: { name: string; input: GroupCaseInput }[] = [
  {
    name: "three members listed out of order, checksummed addresses; a text from the second",
    input: {
      roomId: `0x${"ab".repeat(32)}`,
      members: [
        { address: ACCOUNT_2, commitment: `0x${"33".repeat(32)}` },
        { address: ACCOUNT_0, commitment: `0x${"11".repeat(32)}` },
        { address: ACCOUNT_1, commitment: `0x${"22".repeat(32)}` },
      ],
      author: ACCOUNT_1.toLowerCase() as Hex,
      id: "0123456789abcdef0123",
      sentAt: 1764000000000,
      text: "the meeting is at 9",
    },
  },
  {
    name: "a pair, a one-character id and non-ASCII text",
    input: {
      roomId: `0x${"cd".repeat(32)}`,
      members: [
        { address: ACCOUNT_0, commitment: `0x${"11".repeat(32)}` },
        { address: ACCOUNT_1, commitment: `0x${"22".repeat(32)}` },
      ],
      author: ACCOUNT_0.toLowerCase() as Hex,
      id: "m",
      sentAt: 0,
      text: "héllo 👋",
    },
  },
];

/** A file-tree vector's bytes come from `fileTreeBytes(size, seed)` (compute.ts). */
export const fileTreeCases: { name: string; input: FileTreeCase }[] = [
  { name: "an empty file", input: { size: 0, chunkSize: 1024, seed: 0 } },
  { name: "one byte", input: { size: 1, chunkSize: 1024, seed: 1 } },
  { name: "exactly one chunk", input: { size: 1024, chunkSize: 1024, seed: 2 } },
  {
    name: "three chunks, the last short (an odd node moves up)",
    input: { size: 2500, chunkSize: 1024, seed: 3 },
  },
  {
    name: "the same bytes in two chunks of 2048: another root",
    input: { size: 2500, chunkSize: 2048, seed: 3 },
  },
  { name: "seven chunks, one byte short", input: { size: 7167, chunkSize: 1024, seed: 4 } },
  { name: "eight whole chunks", input: { size: 8192, chunkSize: 1024, seed: 5 } },
];
