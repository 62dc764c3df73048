/**
 * Ephemeral ECDH key pairs and key agreement for the Mesh3 handshake v1 (DESIGN.md step 2 and 7).
 *
 * X25519 (RFC 7748 section 5 and 6.1) when WebCrypto has it, else ECDH on P-256 (NIST SP 800-56A
 * rev. 3 section 5.7.1.2, points per SEC 1 v2 section 2.3.4). Private keys are non-extractable;
 * only the raw public key (32 or 65 bytes) leaves this module. The shared secret never becomes JS
 * bytes either: it is derived straight into a non-extractable HKDF key.
 * @module
 */
import { KeyAgreementError } from "./errors.ts";

/** The two curves the handshake accepts. */
export type EcdhCurve = "X25519" | "P-256";

/** Raw public key lengths: X25519 u-coordinate (32) and uncompressed SEC 1 P-256 point (65). */
export const PUBLIC_KEY_LENGTH: Readonly<Record<EcdhCurve, number>> = { "X25519": 32, "P-256": 65 };

/** An ephemeral key pair: a non-extractable private key and the raw public key bytes. */
export interface EcdhKeyPair {
  /** Which curve the pair lives on. */
  curve: EcdhCurve;
  /** Non-extractable private key, usable only for `deriveKey`/`deriveBits`. */
  privateKey: CryptoKey;
  /** Raw public key: 32 bytes (X25519) or 65 bytes (0x04 || x || y, P-256). */
  publicKey: Uint8Array;
}

const subtle = globalThis.crypto.subtle;

function algorithm(curve: EcdhCurve): EcKeyImportParams | Algorithm {
  return curve === "X25519" ? { name: "X25519" } : { name: "ECDH", namedCurve: "P-256" };
}

let x25519Support: Promise<boolean> | undefined;

/**
 * Whether this runtime's WebCrypto can generate X25519 keys (probed once, then cached).
 *
 * @returns true in Deno 2.x and current Chromium, Firefox and Safari.
 */
export function supportsX25519(): Promise<boolean> {
  x25519Support ??= subtle.generateKey({ name: "X25519" }, false, ["deriveBits"]).then(
    () => true,
    () => false,
  );
  return x25519Support;
}

/**
 * Generates a fresh, non-extractable ephemeral ECDH key pair.
 *
 * @param options.curve Force a curve; by default X25519 when supported, else P-256.
 * @returns The key pair with its raw public key.
 *
 * @example
 * ```ts
 * const pair = await generateEcdhKeyPair();
 * pair.publicKey.length; // 32 with X25519
 * ```
 */
export async function generateEcdhKeyPair(
  options: { curve?: EcdhCurve } = {},
): Promise<EcdhKeyPair> {
  const curve = options.curve ?? (await supportsX25519() ? "X25519" : "P-256");
  const pair = await subtle.generateKey(algorithm(curve), false, [
    "deriveKey",
    "deriveBits",
  ]) as CryptoKeyPair;
  const publicKey = new Uint8Array(await subtle.exportKey("raw", pair.publicKey));
  return { curve, privateKey: pair.privateKey, publicKey };
}

/**
 * Which curve a raw public key belongs to, by its length.
 *
 * @param raw A raw public key.
 * @returns "X25519" for 32 bytes, "P-256" for 65.
 * @throws {KeyAgreementError} If the length is neither 32 nor 65.
 *
 * @example
 * ```ts
 * curveOfPublicKey(new Uint8Array(32)); // "X25519"
 * ```
 */
export function curveOfPublicKey(raw: Uint8Array): EcdhCurve {
  if (raw.length === 32) return "X25519";
  if (raw.length === 65) return "P-256";
  throw new KeyAgreementError(
    `Cannot use peer public key: want 32 or 65 bytes, got ${raw.length}`,
  );
}

// P-256 domain parameters (FIPS 186-5 / SEC 2 section 2.4.2), for the on-curve check.
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

function bigintOf(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/**
 * SEC 1 v2 section 3.2.2.1 partial public key validation: 0x04 prefix, coordinates below p, and
 * y^2 = x^3 - 3x + b (mod p). P-256 has cofactor 1, so an on-curve point other than infinity
 * (which has no uncompressed encoding) is a valid public key. Done here because not every
 * WebCrypto checks it on import (Deno 2.9 does not).
 */
function isP256Point(raw: Uint8Array): boolean {
  if (raw[0] !== 0x04) return false;
  const x = bigintOf(raw.subarray(1, 33));
  const y = bigintOf(raw.subarray(33, 65));
  if (x >= P || y >= P) return false;
  return (y * y - (x * x * x - 3n * x + B)) % P === 0n;
}

/**
 * Imports a peer's raw public key after checking its length and curve.
 *
 * @param raw The peer's raw public key (32 or 65 bytes).
 * @param curve The curve of our own key pair; the peer must use the same.
 * @returns A public CryptoKey for `deriveSharedSecret`.
 * @throws {KeyAgreementError} On a wrong length, another curve, or a point not on P-256.
 *
 * @example
 * ```ts
 * const peer = await generateEcdhKeyPair();
 * const key = await importPeerPublicKey(peer.publicKey, peer.curve);
 * key.type; // "public"
 * ```
 */
export async function importPeerPublicKey(raw: Uint8Array, curve: EcdhCurve): Promise<CryptoKey> {
  const peerCurve = curveOfPublicKey(raw);
  if (peerCurve !== curve) {
    throw new KeyAgreementError(
      `Cannot use peer public key: peer uses ${peerCurve}, we use ${curve}`,
    );
  }
  if (curve === "P-256" && !isP256Point(raw)) {
    throw new KeyAgreementError("Cannot use peer public key: not a point on P-256");
  }
  try {
    return await subtle.importKey("raw", raw as BufferSource, algorithm(curve), true, []);
  } catch {
    throw new KeyAgreementError(`Cannot use peer public key: ${curve} import refused it`);
  }
}

/**
 * Computes the ECDH shared secret straight into a non-extractable HKDF key (the IKM of the key
 * schedule). X25519 low-order peer points give the all-zero secret, which RFC 7748 section 6.1
 * says to refuse; WebCrypto throws on it, and that is mapped to {@link KeyAgreementError}.
 *
 * @param pair Our key pair.
 * @param peerPublicKey The peer's raw public key.
 * @returns An HKDF CryptoKey holding the shared secret, usable for `deriveKey`/`deriveBits` only.
 * @throws {KeyAgreementError} If the peer key is unusable.
 *
 * @example
 * ```ts
 * const [a, b] = [await generateEcdhKeyPair(), await generateEcdhKeyPair()];
 * const ikm = await deriveSharedSecret(a, b.publicKey); // the same key material as b's with a's
 * ikm.algorithm.name; // "HKDF"
 * ```
 */
export async function deriveSharedSecret(
  pair: EcdhKeyPair,
  peerPublicKey: Uint8Array,
): Promise<CryptoKey> {
  const peer = await importPeerPublicKey(peerPublicKey, pair.curve);
  const name = pair.curve === "X25519" ? "X25519" : "ECDH";
  try {
    return await subtle.deriveKey(
      { name, public: peer } as EcdhKeyDeriveParams,
      pair.privateKey,
      { name: "HKDF" },
      false,
      ["deriveKey", "deriveBits"],
    );
  } catch {
    throw new KeyAgreementError(
      "Cannot agree on a key: the peer public key is of low order or otherwise invalid",
    );
  }
}
