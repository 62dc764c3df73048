/**
 * The handshake transcript: both parties' identities and session keys in one canonical order
 * (DESIGN.md step 7). Both sides build the same bytes, whoever calls, because the parties are
 * ordered by their address bytes. The key schedule uses it as HKDF info; the safety number is
 * built from the same party records.
 * @module
 */
import { type Hex, keccak256 } from "viem";
import { compareBytes, concatBytes, fixedHex, utf8 } from "./bytes.ts";
import { KEM_PUBLIC_KEY_LENGTH } from "./kem.ts";

/** Protocol tag at the start of every transcript. */
export const PROTOCOL_TAG = "mesh3/handshake/v2";

/** One side of a session, as committed on chain. */
export interface Party {
  /** The wallet address (20 bytes hex, any case). */
  address: Hex;
  /** Raw ECDH public key: 32 bytes (X25519) or 65 bytes (P-256). */
  publicKey: Uint8Array;
  /** SHA-256 fingerprint of the DTLS certificate, 32 bytes. */
  fingerprint: Uint8Array;
  /** ML-KEM-768 encapsulation key, 1184 bytes (committed by its keccak256). */
  kemKey: Uint8Array;
}

/** A validated party with its address as bytes. */
export interface PartyBytes {
  address: Uint8Array;
  publicKey: Uint8Array;
  fingerprint: Uint8Array;
  /** keccak256 of the ML-KEM-768 encapsulation key (as in the commitment). */
  kemKeyHash: Uint8Array;
}

/** The two parties in canonical order, and the transcript bytes. */
export interface Transcript {
  /** The party whose address bytes sort first ("low"). */
  low: PartyBytes;
  /** The other party ("high"). */
  high: PartyBytes;
  /** Whether the first argument (`self`) is the low party. */
  selfIsLow: boolean;
  /**
   * tag || 0x00 || addr_low || addr_high || len(pk_low) || pk_low || len(pk_high) || pk_high
   *  || fp_low || fp_high || keccak256(kem_low) || keccak256(kem_high)   (lengths one byte each).
   */
  bytes: Uint8Array;
}

/**
 * Checks a party record and returns it as bytes.
 *
 * @param party A party record.
 * @returns The same record with the address as 20 bytes.
 * @throws {TypeError} On a malformed address, public key or fingerprint.
 *
 * @example
 * ```ts
 * partyBytes({
 *   address: "0x1111111111111111111111111111111111111111",
 *   publicKey: new Uint8Array(32),
 *   fingerprint: new Uint8Array(32),
 *   kemKey: new Uint8Array(1184),
 * }).address.length; // 20
 * ```
 */
export function partyBytes(party: Party): PartyBytes {
  const address = fixedHex(party.address, 20, "party address");
  const { publicKey, fingerprint } = party;
  if (!(publicKey instanceof Uint8Array) || (publicKey.length !== 32 && publicKey.length !== 65)) {
    throw new TypeError("Cannot read party: public key must be 32 or 65 bytes");
  }
  if (!(fingerprint instanceof Uint8Array) || fingerprint.length !== 32) {
    throw new TypeError("Cannot read party: fingerprint must be 32 bytes");
  }
  const { kemKey } = party;
  if (!(kemKey instanceof Uint8Array) || kemKey.length !== KEM_PUBLIC_KEY_LENGTH) {
    throw new TypeError(`Cannot read party: the ML-KEM key must be ${KEM_PUBLIC_KEY_LENGTH} bytes`);
  }
  return { address, publicKey, fingerprint, kemKeyHash: fixedHex(keccak256(kemKey), 32, "hash") };
}

/**
 * Orders two parties by address and builds the transcript.
 *
 * @param self Our party record.
 * @param peer The peer's party record.
 * @returns The canonical order and transcript bytes (the same on both sides).
 * @throws {TypeError} On a malformed party, or public keys of different curves.
 * @throws {RangeError} If both parties have the same address.
 *
 * @example
 * ```ts
 * const me = {
 *   address: "0x2222222222222222222222222222222222222222",
 *   publicKey: new Uint8Array(32).fill(1),
 *   fingerprint: new Uint8Array(32).fill(3),
 *   kemKey: new Uint8Array(1184).fill(5),
 * } as const;
 * const them = { ...me, address: "0x1111111111111111111111111111111111111111" } as const;
 * const t = buildTranscript(me, them);
 * t.selfIsLow; // false: they sort first, so we send high->low
 * ```
 */
export function buildTranscript(self: Party, peer: Party): Transcript {
  const a = partyBytes(self);
  const b = partyBytes(peer);
  if (a.publicKey.length !== b.publicKey.length) {
    throw new TypeError("Cannot build transcript: the public keys are on different curves");
  }
  const order = compareBytes(a.address, b.address);
  if (order === 0) throw new RangeError("Cannot build transcript: both parties have one address");
  const selfIsLow = order < 0;
  const [low, high] = selfIsLow ? [a, b] : [b, a];
  const bytes = concatBytes(
    utf8(PROTOCOL_TAG),
    Uint8Array.of(0),
    low.address,
    high.address,
    Uint8Array.of(low.publicKey.length),
    low.publicKey,
    Uint8Array.of(high.publicKey.length),
    high.publicKey,
    low.fingerprint,
    high.fingerprint,
    low.kemKeyHash,
    high.kemKeyHash,
  );
  return { low, high, selfIsLow, bytes };
}
