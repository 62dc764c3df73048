/**
 * Test fixtures for the core's tests and benchmarks (not part of the public face): two parties
 * with fresh key pairs and the session keys each derives.
 * @module
 */
import type { Hex } from "viem";
import { type EcdhCurve, type EcdhKeyPair, generateEcdhKeyPair } from "../app/core/ecdh.ts";
import {
  type ConnectionKeys,
  deriveConnectionKeys,
  deriveSessionKeys,
  type SessionKeys,
} from "../app/core/key_schedule.ts";
import type { Party } from "../app/core/transcript.ts";

/** A fixed room id for tests. */
export const TEST_ROOM_ID: Hex = `0x${"ab".repeat(32)}`;
/** Two fixed addresses; ALICE sorts lower than BOB. */
export const ALICE: Hex = "0x1111111111111111111111111111111111111111";
export const BOB: Hex = "0x2222222222222222222222222222222222222222";

/** Fixed public parties (no key pair behind them) for tests of pure functions of the transcript. */
export const FIXED_ALICE: Party = {
  address: ALICE,
  publicKey: new Uint8Array(32).fill(1),
  fingerprint: testFingerprint(3),
};
export const FIXED_BOB: Party = {
  address: BOB,
  publicKey: new Uint8Array(32).fill(2),
  fingerprint: testFingerprint(4),
};

/** One side of a test session. */
export interface TestSide {
  keyPair: EcdhKeyPair;
  party: Party;
  /** Session keys (for `handshake`). */
  session: SessionKeys;
  /** Connection keys from fresh random nonces (for `createChannel`). */
  keys: ConnectionKeys;
}

/** Fingerprint filled with one byte value. */
export function testFingerprint(fill: number): Uint8Array {
  return new Uint8Array(32).fill(fill);
}

/**
 * Makes Alice and Bob with fresh key pairs, derives both sides' session keys, and connection
 * keys from one pair of random nonces.
 *
 * @param curve Force a curve (default: X25519 when supported).
 */
export async function sessionPair(curve?: EcdhCurve): Promise<[TestSide, TestSide]> {
  const [ka, kb] = await Promise.all([
    generateEcdhKeyPair({ curve }),
    generateEcdhKeyPair({ curve }),
  ]);
  const pa: Party = { address: ALICE, publicKey: ka.publicKey, fingerprint: testFingerprint(0xa1) };
  const pb: Party = { address: BOB, publicKey: kb.publicKey, fingerprint: testFingerprint(0xb2) };
  const [sa, sb] = await Promise.all([
    deriveSessionKeys({ roomId: TEST_ROOM_ID, keyPair: ka, self: pa, peer: pb }),
    deriveSessionKeys({ roomId: TEST_ROOM_ID, keyPair: kb, self: pb, peer: pa }),
  ]);
  const na = crypto.getRandomValues(new Uint8Array(32));
  const nb = crypto.getRandomValues(new Uint8Array(32));
  const [keysA, keysB] = await Promise.all([
    deriveConnectionKeys(sa, { self: na, peer: nb }),
    deriveConnectionKeys(sb, { self: nb, peer: na }),
  ]);
  return [
    { keyPair: ka, party: pa, session: sa, keys: keysA },
    { keyPair: kb, party: pb, session: sb, keys: keysB },
  ];
}
