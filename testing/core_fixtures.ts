/**
 * Test fixtures for the core's tests and benchmarks (not part of the public face): two parties
 * with fresh key pairs and the session keys each derives.
 * @module
 */
import type { Address, Hex } from "viem";
import { type RoomInfo, ZERO_ROOT } from "../app/chain/room.ts";
import { type EcdhCurve, type EcdhKeyPair, generateEcdhKeyPair } from "../app/core/ecdh.ts";
import { makeHello } from "../app/core/handshake.ts";
import { generateKemKeyPair, type KemKeyPair } from "../app/core/kem.ts";
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
  kemKey: new Uint8Array(1184).fill(5),
};
export const FIXED_BOB: Party = {
  address: BOB,
  publicKey: new Uint8Array(32).fill(2),
  fingerprint: testFingerprint(4),
  kemKey: new Uint8Array(1184).fill(6),
};

/** One side of a test session. */
export interface TestSide {
  keyPair: EcdhKeyPair;
  kemKeyPair: KemKeyPair;
  party: Party;
  /** Session keys (for `handshake`). */
  session: SessionKeys;
  /** Connection keys from fresh hellos (for `createChannel`). */
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
  const [ka, kb, kemA, kemB] = await Promise.all([
    generateEcdhKeyPair({ curve }),
    generateEcdhKeyPair({ curve }),
    generateKemKeyPair(),
    generateKemKeyPair(),
  ]);
  const pa: Party = {
    address: ALICE,
    publicKey: ka.publicKey,
    fingerprint: testFingerprint(0xa1),
    kemKey: kemA.publicKey,
  };
  const pb: Party = {
    address: BOB,
    publicKey: kb.publicKey,
    fingerprint: testFingerprint(0xb2),
    kemKey: kemB.publicKey,
  };
  const [sa, sb] = await Promise.all([
    deriveSessionKeys({ roomId: TEST_ROOM_ID, keyPair: ka, kemKeyPair: kemA, self: pa, peer: pb }),
    deriveSessionKeys({ roomId: TEST_ROOM_ID, keyPair: kb, kemKeyPair: kemB, self: pb, peer: pa }),
  ]);
  const keysA = await connectionPair(sa, sb);
  return [
    { keyPair: ka, kemKeyPair: kemA, party: pa, session: sa, keys: keysA[0] },
    { keyPair: kb, kemKeyPair: kemB, party: pb, session: sb, keys: keysA[1] },
  ];
}

/**
 * Both sides' keys of one fresh connection between two sessions, as `handshake` derives them.
 *
 * @param a One side's session keys.
 * @param b The other side's.
 * @returns Each side's connection keys.
 */
export async function connectionPair(
  a: SessionKeys,
  b: SessionKeys,
): Promise<[ConnectionKeys, ConnectionKeys]> {
  const [ha, hb] = await Promise.all([makeHello(a), makeHello(b)]);
  const peerOf = (h: typeof ha) => ({
    hello: h.hello,
    ephemeral: h.ephemeral.publicKey,
    ciphertext: h.ciphertext,
  });
  return await Promise.all([
    deriveConnectionKeys(a, ha, peerOf(hb)),
    deriveConnectionKeys(b, hb, peerOf(ha)),
  ]);
}

/**
 * An open, unexpired room as the chain reads it (no member list).
 *
 * @example
 * ```ts ignore
 * const reader = { room: () => Promise.resolve(openRoom(roomId, creator)), ... };
 * ```
 */
export function openRoom(roomId: Hex, creator: Address): RoomInfo {
  return {
    roomId,
    creator,
    membersRoot: ZERO_ROOT,
    expiresAt: 0n,
    closed: false,
    membersOnly: false,
  };
}
