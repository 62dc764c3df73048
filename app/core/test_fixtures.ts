/**
 * Test fixtures for the core's tests and benchmarks (not part of the public face): two parties
 * with fresh key pairs and the session keys each derives.
 * @module
 */
import type { Hex } from "viem";
import { type EcdhCurve, type EcdhKeyPair, generateEcdhKeyPair } from "./ecdh.ts";
import { deriveSessionKeys, type SessionKeys } from "./key_schedule.ts";
import type { Party } from "./transcript.ts";

/** A fixed room id for tests. */
export const TEST_ROOM_ID: Hex = `0x${"ab".repeat(32)}`;
/** Two fixed addresses; ALICE sorts lower than BOB. */
export const ALICE: Hex = "0x1111111111111111111111111111111111111111";
export const BOB: Hex = "0x2222222222222222222222222222222222222222";

/** One side of a test session. */
export interface TestSide {
  keyPair: EcdhKeyPair;
  party: Party;
  keys: SessionKeys;
}

/** Fingerprint filled with one byte value. */
export function testFingerprint(fill: number): Uint8Array {
  return new Uint8Array(32).fill(fill);
}

/**
 * Makes Alice and Bob with fresh key pairs and derives both sides' session keys.
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
  const [keysA, keysB] = await Promise.all([
    deriveSessionKeys({ roomId: TEST_ROOM_ID, keyPair: ka, self: pa, peer: pb }),
    deriveSessionKeys({ roomId: TEST_ROOM_ID, keyPair: kb, self: pb, peer: pa }),
  ]);
  return [{ keyPair: ka, party: pa, keys: keysA }, { keyPair: kb, party: pb, keys: keysB }];
}
