/**
 * The key commitment of the Mesh3 protocol v2 (docs/PROTOCOL.md, "Commitment").
 *
 * A member publishes `commitKey(roomId, commitment, proof)` on the RoomRegistry. The commitment
 * binds the member's session keys (ECDH public key, DTLS certificate fingerprint and the hash of
 * the ML-KEM-768 encapsulation key) and the member's own address to one room of one registry on
 * one chain, so it cannot be replayed elsewhere, nor copied into another member's slot (v1 bound
 * no address: a copied commitment was caught only at key confirmation). v1 commitments are not
 * accepted: the v1 domain tag is gone, so a v1 commitment never matches a v2 recomputation. The contract keeps the leading
 * 192 bits (packed with the block number in one storage slot); everyone compares that form.
 *
 * Pure: runs unchanged in Deno, the server and browsers.
 * @module
 */
import { encodeAbiParameters, type Hex, isAddress, keccak256, slice, stringToHex } from "viem";
import { bytesToHex as toHex } from "./bytes.ts";
import { ROOM_ID_PATTERN } from "./ids.ts";
import { KEM_PUBLIC_KEY_LENGTH } from "./kem.ts";

/** Domain tag: keccak256 of this string is the first word of every commitment preimage. */
export const COMMITMENT_DOMAIN = "mesh3/key-commitment/v2";
const DOMAIN_TAG: Hex = keccak256(stringToHex(COMMITMENT_DOMAIN));

/** Lengths of the raw public keys the handshake accepts: X25519 (32) and uncompressed P-256 (65). */
export const PUBLIC_KEY_LENGTHS: readonly number[] = [32, 65];

/** What a commitment binds. */
export interface CommitmentInput {
  /** EIP-155 chain id of the registry's chain. */
  chainId: number;
  /** Address of the RoomRegistry contract. */
  registry: Hex;
  /** The on-chain room id (32 bytes). */
  roomId: Hex;
  /** The committing member's wallet address (the `msg.sender` of `commitKey`). */
  member: Hex;
  /** Raw ECDH public key: 32 bytes (X25519) or 65 bytes (uncompressed P-256). */
  publicKey: Uint8Array;
  /** SHA-256 DTLS certificate fingerprint, 32 bytes. */
  fingerprint: Uint8Array;
  /** The ML-KEM-768 encapsulation key, 1184 bytes (the preimage holds its keccak256). */
  kemKey: Uint8Array;
}

/**
 * The hash of an ML-KEM-768 encapsulation key as the commitment and the transcript hold it.
 *
 * @param kemKey 1184 bytes.
 * @returns keccak256(kemKey) as bytes32 hex.
 * @throws {TypeError} If the key is not 1184 bytes.
 *
 * @example
 * ```ts
 * kemKeyHash(new Uint8Array(1184)).length; // 66: 0x and 32 bytes
 * ```
 */
export function kemKeyHash(kemKey: Uint8Array): Hex {
  if (!(kemKey instanceof Uint8Array) || kemKey.length !== KEM_PUBLIC_KEY_LENGTH) {
    throw new TypeError(
      `Cannot hash the ML-KEM key: it must be ${KEM_PUBLIC_KEY_LENGTH} bytes, got ${kemKey?.length}`,
    );
  }
  return keccak256(kemKey);
}

/**
 * Computes the full 32-byte commitment, as emitted in `KeyCommitted` and sent to `commitKey`.
 *
 * commitment = keccak256(abi.encode(bytes32 keccak256("mesh3/key-commitment/v2"), uint256 chainId,
 *   address registry, bytes32 roomId, address member, bytes publicKey, bytes32 fingerprint,
 *   bytes32 keccak256(kemKey)))
 *
 * @param input The room, chain and session keys to bind.
 * @returns The commitment as 0x-prefixed hex.
 * @throws {TypeError} If a field has the wrong shape.
 *
 * @example
 * ```ts
 * const c = computeCommitment({
 *   chainId: 31337,
 *   registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
 *   roomId: `0x${"ab".repeat(32)}`,
 *   member: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
 *   publicKey: new Uint8Array(32).fill(7), // raw X25519 public key
 *   fingerprint: new Uint8Array(32).fill(9), // SHA-256 of the DTLS certificate
 *   kemKey: new Uint8Array(1184).fill(5), // ML-KEM-768 encapsulation key
 * });
 * c.length; // 66: 0x and 32 bytes
 * ```
 */
export function computeCommitment(input: CommitmentInput): Hex {
  const { chainId, registry, roomId, member, publicKey, fingerprint } = input;
  if (!Number.isSafeInteger(chainId) || chainId <= 0) {
    throw new TypeError("Cannot compute commitment: chain id must be a positive integer");
  }
  if (!isAddress(registry, { strict: false })) {
    throw new TypeError("Cannot compute commitment: registry is not an address");
  }
  if (!ROOM_ID_PATTERN.test(roomId)) {
    throw new TypeError("Cannot compute commitment: room id must be 32 bytes of hex");
  }
  if (typeof member !== "string" || !isAddress(member, { strict: false })) {
    throw new TypeError("Cannot compute commitment: member is not an address");
  }
  if (!PUBLIC_KEY_LENGTHS.includes(publicKey.length)) {
    throw new TypeError(
      `Cannot compute commitment: public key must be 32 or 65 bytes, got ${publicKey.length}`,
    );
  }
  if (fingerprint.length !== 32) {
    throw new TypeError(
      `Cannot compute commitment: fingerprint must be 32 bytes, got ${fingerprint.length}`,
    );
  }
  const kemHash = kemKeyHash(input.kemKey);
  return keccak256(encodeAbiParameters(
    [
      { type: "bytes32" },
      { type: "uint256" },
      { type: "address" },
      { type: "bytes32" },
      { type: "address" },
      { type: "bytes" },
      { type: "bytes32" },
      { type: "bytes32" },
    ],
    [
      DOMAIN_TAG,
      BigInt(chainId),
      registry,
      roomId,
      member,
      toHex(publicKey),
      toHex(fingerprint),
      kemHash,
    ],
  ));
}

/**
 * The form the registry stores and `commitmentOf` returns: the leading 24 bytes (192 bits).
 *
 * @param commitment A full 32-byte commitment.
 * @returns Its leading 24 bytes as hex (lower case).
 */
export function storedCommitment(commitment: Hex): Hex {
  return slice(commitment, 0, 24).toLowerCase() as Hex;
}

/**
 * Whether a full commitment matches the stored (24-byte) form read from the chain.
 *
 * @param commitment Full 32-byte commitment recomputed from the offer.
 * @param stored The stored form from `commitmentOf` or the `KeyCommitted` event cache.
 * @returns true only when the leading 192 bits are equal and the stored form is not zero.
 */
export function commitmentMatches(commitment: Hex, stored: Hex): boolean {
  const want = stored.toLowerCase();
  if (!/^0x[0-9a-f]{48}$/.test(want) || /^0x0+$/.test(want)) return false;
  return storedCommitment(commitment) === want;
}
