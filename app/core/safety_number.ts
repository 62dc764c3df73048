/**
 * The safety number: 60 digits (12 groups of 5) two people compare to know that no one swapped a
 * key between them (DESIGN.md step 8). In the style of Signal's: each party gets 30 digits from
 * its own identity and keys, and the two halves are sorted, so both screens show the same number.
 *
 * Per party (PBKDF2, RFC 8018 section 5.2, with HMAC-SHA-512):
 *   half = PBKDF2-HMAC-SHA-512(P = len(pk) (1 byte) || pk || fingerprint || keccak256(kemKey),
 *                              S = "mesh3/safety-number/v2" || 0x00 || address (20 bytes),
 *                              c = 16384, dkLen = 30)
 * and each 5-byte chunk of `half`, read as a big-endian integer mod 100000, gives 5 digits.
 * The number is the two 30-digit halves in ascending order. Someone in the middle would need a key
 * whose half equals the victim's (about 2^100 tries, each 16384 HMAC iterations).
 * @module
 */
import { concatBytes, utf8 } from "./bytes.ts";
import { type Party, type PartyBytes, partyBytes } from "./transcript.ts";

/** The PBKDF2 salt label of the safety number. */
export const SAFETY_NUMBER_LABEL = "mesh3/safety-number/v2";
/** PBKDF2 iterations per half. */
export const SAFETY_NUMBER_ITERATIONS = 16384;
/** Groups of 5 digits in the whole number. */
export const SAFETY_NUMBER_GROUPS = 12;

const subtle = globalThis.crypto.subtle;

async function half(party: PartyBytes): Promise<string> {
  const password = concatBytes(
    Uint8Array.of(party.publicKey.length),
    party.publicKey,
    party.fingerprint,
    party.kemKeyHash,
  );
  const salt = concatBytes(utf8(SAFETY_NUMBER_LABEL), Uint8Array.of(0), party.address);
  const key = await subtle.importKey("raw", password as BufferSource, "PBKDF2", false, [
    "deriveBits",
  ]);
  const out = new Uint8Array(
    await subtle.deriveBits(
      {
        name: "PBKDF2",
        hash: "SHA-512",
        salt: salt as BufferSource,
        iterations: SAFETY_NUMBER_ITERATIONS,
      },
      key,
      30 * 8,
    ),
  );
  let digits = "";
  for (let i = 0; i < 30; i += 5) {
    let chunk = 0;
    for (let j = 0; j < 5; j++) chunk = chunk * 256 + out[i + j];
    digits += String(chunk % 100000).padStart(5, "0");
  }
  return digits;
}

/**
 * Computes the safety number of two parties; the order of the arguments does not matter.
 *
 * @param a One party (address, raw public key, DTLS fingerprint, ML-KEM-768 key).
 * @param b The other party.
 * @returns 12 groups of 5 digits separated by single spaces.
 * @throws {TypeError} On a malformed party.
 * @throws {RangeError} If both parties have the same address.
 *
 * @example
 * ```ts
 * const me = {
 *   address: "0x1111111111111111111111111111111111111111",
 *   publicKey: new Uint8Array(32).fill(1),
 *   fingerprint: new Uint8Array(32).fill(3),
 *   kemKey: new Uint8Array(1184).fill(5),
 * } as const;
 * const peer = { ...me, address: "0x2222222222222222222222222222222222222222" } as const;
 * const code = await computeSafetyNumber(me, peer); // "01234 56789 ... 13579" (12 groups)
 * code === await computeSafetyNumber(peer, me); // true: both sides show the same number
 * ```
 */
export async function computeSafetyNumber(a: Party, b: Party): Promise<string> {
  const pa = partyBytes(a);
  const pb = partyBytes(b);
  if (pa.address.every((x, i) => x === pb.address[i])) {
    throw new RangeError("Cannot compute safety number: both parties have one address");
  }
  return joinHalves(await Promise.all([half(pa), half(pb)]));
}

function joinHalves(halves: string[]): string {
  return halves.sort().join("").match(/\d{5}/g)!.join(" ");
}

/** Halves kept by a {@linkcode SafetyNumberHalves} (the oldest go first). */
const MAX_KEPT_HALVES = 64;

/**
 * The safety number with each party's half kept once computed: a half depends only on that
 * party's public values, so a session computes its own once (ahead, before any peer is
 * verified) and a peer's once per key set, and the PBKDF2 runs leave the way to the first
 * message (issue 11, setup time). The number is the same as {@linkcode computeSafetyNumber}'s.
 *
 * @example
 * ```ts
 * import { SafetyNumberHalves } from "./safety_number.ts";
 * const me = {
 *   address: "0x1111111111111111111111111111111111111111",
 *   publicKey: new Uint8Array(32).fill(1),
 *   fingerprint: new Uint8Array(32).fill(3),
 *   kemKey: new Uint8Array(1184).fill(5),
 * } as const;
 * const peer = { ...me, address: "0x2222222222222222222222222222222222222222" } as const;
 * const halves = new SafetyNumberHalves();
 * void halves.prepare(me); // ahead: our half
 * await halves.compute(me, peer); // our half kept, the peer's computed now
 * ```
 */
export class SafetyNumberHalves {
  #kept = new Map<string, Promise<string>>();

  /**
   * Starts (or finds) a party's half.
   *
   * @param party Address, public key, DTLS fingerprint and ML-KEM key.
   * @returns The party's 30 digits.
   * @throws {TypeError} On a malformed party.
   */
  async prepare(party: Party): Promise<string> {
    return await this.#half(partyBytes(party));
  }

  /**
   * The safety number of two parties, from the halves kept or computed now.
   *
   * @param a One party.
   * @param b The other party.
   * @returns 12 groups of 5 digits separated by single spaces.
   * @throws {TypeError} On a malformed party.
   * @throws {RangeError} If both parties have the same address.
   */
  async compute(a: Party, b: Party): Promise<string> {
    const pa = partyBytes(a);
    const pb = partyBytes(b);
    if (pa.address.every((x, i) => x === pb.address[i])) {
      throw new RangeError("Cannot compute safety number: both parties have one address");
    }
    return joinHalves(await Promise.all([this.#half(pa), this.#half(pb)]));
  }

  #half(party: PartyBytes): Promise<string> {
    const key = [party.address, party.publicKey, party.fingerprint, party.kemKeyHash]
      .map((b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("")).join(".");
    const kept = this.#kept.get(key);
    if (kept) return kept;
    const made = half(party);
    // A failed half is not kept: the next call computes it again.
    made.catch(() => this.#kept.get(key) === made && this.#kept.delete(key));
    this.#kept.set(key, made);
    if (this.#kept.size > MAX_KEPT_HALVES) this.#kept.delete(this.#kept.keys().next().value!);
    return made;
  }
}
