/**
 * ML-KEM-768 (FIPS 203), the post-quantum half of the v2 hybrid (docs/CRYPTO.md, "Hybrid").
 *
 * WebCrypto's ML-KEM is used where the runtime has it (Deno 2.9, Chromium 156): the decapsulation
 * key is then a non-extractable CryptoKey. Elsewhere (Firefox ESR 153 today) the audited
 * `@noble/post-quantum` implementation runs instead and the decapsulation key lives in a closure
 * as bytes (no WebCrypto object can hold it there). Both are FIPS 203 ML-KEM-768, so
 * either side may use either (kem_test.ts crosses them).
 *
 * Pure: runs unchanged in Deno, the server and browsers.
 * @module
 */
import { ml_kem768 } from "@noble/post-quantum/ml-kem.js";
import { KeyAgreementError } from "./errors.ts";

/** Encapsulation (public) key length of ML-KEM-768 (FIPS 203 table 3). */
export const KEM_PUBLIC_KEY_LENGTH = 1184;
/** Ciphertext length of ML-KEM-768. */
export const KEM_CIPHERTEXT_LENGTH = 1088;
/** Shared secret length. */
export const KEM_SECRET_LENGTH = 32;

const ALGORITHM = { name: "ML-KEM-768" };
// deno-lint-ignore no-explicit-any
const subtle = globalThis.crypto.subtle as any;

/** One side's ML-KEM-768 key pair for a room session. */
export interface KemKeyPair {
  /** "webcrypto" (non-extractable decapsulation key) or "noble" (bytes in memory). */
  backend: "webcrypto" | "noble";
  /** The encapsulation key, 1184 bytes (its keccak256 is in the v2 commitment). */
  publicKey: Uint8Array;
  /**
   * The non-extractable decapsulation key (webcrypto backend only): a browser can keep it in
   * IndexedDB without its bytes ever reaching script (app/client/key_keeper.ts).
   */
  privateKey?: CryptoKey;
  /** Decapsulates a ciphertext made for `publicKey`; throws {@link KeyAgreementError}. */
  decapsulate(ciphertext: Uint8Array): Promise<Uint8Array>;
}

/** A fresh encapsulation: the ciphertext to send and the shared secret to keep. */
export interface Encapsulation {
  ciphertext: Uint8Array;
  sharedSecret: Uint8Array;
}

let webCryptoSupport: Promise<boolean> | undefined;

/**
 * Whether this runtime's WebCrypto implements ML-KEM-768 (generate, export, encapsulate).
 *
 * @returns true in Deno 2.9 and Chromium 156; false in Firefox ESR 153.
 *
 * @example
 * ```ts
 * typeof (await supportsWebCryptoKem()); // "boolean"
 * ```
 */
export function supportsWebCryptoKem(): Promise<boolean> {
  webCryptoSupport ??= (async () => {
    try {
      const pair = await subtle.generateKey(ALGORITHM, false, [
        "encapsulateBits",
        "decapsulateBits",
      ]);
      const raw = new Uint8Array(await subtle.exportKey("raw-public", pair.publicKey));
      return raw.length === KEM_PUBLIC_KEY_LENGTH;
    } catch {
      return false;
    }
  })();
  return webCryptoSupport;
}

function checkCiphertext(ciphertext: Uint8Array): void {
  if (!(ciphertext instanceof Uint8Array) || ciphertext.length !== KEM_CIPHERTEXT_LENGTH) {
    throw new KeyAgreementError(
      `Cannot decapsulate: an ML-KEM-768 ciphertext is ${KEM_CIPHERTEXT_LENGTH} bytes`,
    );
  }
}

/**
 * Makes a fresh ML-KEM-768 key pair.
 *
 * @param options `backend` forces one implementation (tests, vectors); `seed` (64 bytes, FIPS 203
 *   d || z) makes a deterministic noble key pair for vectors only.
 * @returns The key pair.
 *
 * @example
 * ```ts
 * const pair = await generateKemKeyPair();
 * pair.publicKey.length; // 1184
 * ```
 */
export async function generateKemKeyPair(
  options: { backend?: "webcrypto" | "noble"; seed?: Uint8Array } = {},
): Promise<KemKeyPair> {
  const backend = options.backend ??
    (!options.seed && await supportsWebCryptoKem() ? "webcrypto" : "noble");
  if (backend === "webcrypto") {
    const pair = await subtle.generateKey(ALGORITHM, false, [
      "encapsulateBits",
      "decapsulateBits",
    ]);
    const publicKey = new Uint8Array(await subtle.exportKey("raw-public", pair.publicKey));
    return webCryptoKemKeyPair(publicKey, pair.privateKey);
  }
  const { publicKey, secretKey } = ml_kem768.keygen(options.seed);
  return {
    backend,
    publicKey,
    decapsulate: (ciphertext) =>
      refusing(ciphertext, (c) => Promise.resolve(ml_kem768.decapsulate(c, secretKey))),
  };
}

/**
 * A WebCrypto ML-KEM-768 key pair from its parts, e.g. a decapsulation key read back from
 * IndexedDB. The public key is not recomputed from the private one (WebCrypto cannot): the caller
 * recomputes the commitment from `publicKey` and checks it against the chain, and a mismatched
 * pair only makes every handshake fail (key confirmation), it never weakens one.
 *
 * @param publicKey The 1184-byte encapsulation key.
 * @param privateKey A non-extractable ML-KEM-768 decapsulation key.
 * @returns The key pair (backend "webcrypto").
 * @throws {KeyAgreementError} If the public key's length or the private key's algorithm is wrong.
 *
 * @example
 * ```ts
 * const made = await generateKemKeyPair({ backend: "webcrypto" });
 * const again = webCryptoKemKeyPair(made.publicKey, made.privateKey!);
 * again.backend; // "webcrypto"
 * ```
 */
export function webCryptoKemKeyPair(publicKey: Uint8Array, privateKey: CryptoKey): KemKeyPair {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== KEM_PUBLIC_KEY_LENGTH) {
    throw new KeyAgreementError(
      `Cannot use the ML-KEM key: an ML-KEM-768 key is ${KEM_PUBLIC_KEY_LENGTH} bytes`,
    );
  }
  if (privateKey?.algorithm?.name !== ALGORITHM.name || privateKey.type !== "private") {
    throw new KeyAgreementError("Cannot use the ML-KEM key: it is not an ML-KEM-768 private key");
  }
  return {
    backend: "webcrypto",
    publicKey,
    privateKey,
    decapsulate: (ciphertext) =>
      refusing(
        ciphertext,
        async (c) => new Uint8Array(await subtle.decapsulateBits(ALGORITHM, privateKey, c)),
      ),
  };
}

/**
 * Encapsulates a fresh shared secret to a peer's encapsulation key (FIPS 203 ML-KEM.Encaps,
 * including its modulus check of the key).
 *
 * @param publicKey The peer's 1184-byte encapsulation key (checked against its commitment first).
 * @param options `random` (32 bytes) makes it deterministic, for vectors only.
 * @returns The ciphertext for the peer and the shared secret.
 * @throws {KeyAgreementError} If the key is not a valid ML-KEM-768 encapsulation key.
 *
 * @example
 * ```ts
 * const bob = await generateKemKeyPair();
 * const { ciphertext, sharedSecret } = await encapsulate(bob.publicKey);
 * (await bob.decapsulate(ciphertext)).join() === sharedSecret.join(); // true
 * ```
 */
export async function encapsulate(
  publicKey: Uint8Array,
  options: { random?: Uint8Array } = {},
): Promise<Encapsulation> {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== KEM_PUBLIC_KEY_LENGTH) {
    throw new KeyAgreementError(
      `Cannot encapsulate: an ML-KEM-768 key is ${KEM_PUBLIC_KEY_LENGTH} bytes`,
    );
  }
  if (!options.random && await supportsWebCryptoKem()) {
    try {
      const key = await subtle.importKey("raw-public", publicKey, ALGORITHM, true, [
        "encapsulateBits",
      ]);
      const r = await subtle.encapsulateBits(ALGORITHM, key);
      return {
        ciphertext: new Uint8Array(r.ciphertext),
        sharedSecret: new Uint8Array(r.sharedKey),
      };
    } catch {
      throw new KeyAgreementError("Cannot encapsulate: the peer's ML-KEM-768 key is invalid");
    }
  }
  try {
    const r = ml_kem768.encapsulate(publicKey, options.random);
    return { ciphertext: r.cipherText, sharedSecret: r.sharedSecret };
  } catch {
    throw new KeyAgreementError("Cannot encapsulate: the peer's ML-KEM-768 key is invalid");
  }
}

/** Checks the ciphertext's length, then decapsulates it; any refusal is one KeyAgreementError. */
async function refusing(
  ciphertext: Uint8Array,
  decapsulate: (c: Uint8Array) => Promise<Uint8Array>,
): Promise<Uint8Array> {
  checkCiphertext(ciphertext);
  try {
    return await decapsulate(ciphertext);
  } catch {
    throw new KeyAgreementError("Cannot decapsulate: the ciphertext was refused");
  }
}
