/**
 * A second, deliberately plain implementation of docs/CRYPTO.md, used only to check the test
 * vectors: every secret here is raw bytes (it is test code), every layout is written out by hand,
 * and it imports nothing from the core. If the core and this file agree
 * on the vectors, the document, the code and the vectors say the same thing.
 * @module
 */

import { sha256 } from "@noble/hashes/sha2.js";
import { keccak_256 } from "@noble/hashes/sha3.js";

const subtle = crypto.subtle;
const enc = new TextEncoder();

/** Hex (no 0x) to bytes. */
export function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const h = hex.startsWith("0x") ? hex.slice(2) : hex;
  return Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
}

/** Bytes to hex (no 0x). */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function cat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), at += p.length);
  return out;
}

function be(value: number | bigint, bytes: number): Uint8Array {
  let v = BigInt(value);
  const out = new Uint8Array(bytes);
  for (let i = bytes - 1; i >= 0; i--) (out[i] = Number(v & 0xffn), v >>= 8n);
  return out;
}

/** HKDF-SHA-256 (RFC 5869) with L = 32 over raw IKM bytes. */
export async function hkdf(
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
): Promise<Uint8Array> {
  const key = await subtle.importKey("raw", ikm as BufferSource, "HKDF", false, ["deriveBits"]);
  const params = {
    name: "HKDF",
    hash: "SHA-256",
    salt: salt as BufferSource,
    info: info as BufferSource,
  };
  return new Uint8Array(await subtle.deriveBits(params, key, 256));
}

/**
 * The v2 commitment of CRYPTO.md with the ABI encoding written out word by word (noble's
 * keccak-256, not viem's): a second implementation of `computeCommitment`.
 */
export function commitment(c: {
  chainId: number;
  registry: string;
  roomId: string;
  member: string;
  publicKey: Uint8Array;
  fingerprint: Uint8Array;
  kemKey: Uint8Array;
}): string {
  const word = (b: Uint8Array) => cat(new Uint8Array(32 - b.length), b);
  const pk = c.publicKey;
  const padded = cat(pk, new Uint8Array((32 - (pk.length % 32)) % 32));
  const encoded = cat(
    keccak_256(enc.encode("mesh3/key-commitment/v2")),
    be(c.chainId, 32),
    word(fromHex(c.registry)),
    fromHex(c.roomId),
    word(fromHex(c.member)),
    be(8 * 32, 32), // offset of the dynamic `bytes publicKey`
    c.fingerprint,
    keccak_256(c.kemKey),
    be(pk.length, 32),
    padded,
  );
  return "0x" + toHex(keccak_256(encoded));
}

/** A party of the transcript, as bytes. */
export interface RefParty {
  address: Uint8Array;
  publicKey: Uint8Array;
  fingerprint: Uint8Array;
  kemKey: Uint8Array;
}

/** The transcript of CRYPTO.md, with parties ordered by address. */
export function transcript(a: RefParty, b: RefParty): { bytes: Uint8Array; aIsLow: boolean } {
  const aIsLow = toHex(a.address) < toHex(b.address);
  const [lo, hi] = aIsLow ? [a, b] : [b, a];
  const bytes = cat(
    enc.encode("mesh3/handshake/v2"),
    Uint8Array.of(0),
    lo.address,
    hi.address,
    Uint8Array.of(lo.publicKey.length),
    lo.publicKey,
    Uint8Array.of(hi.publicKey.length),
    hi.publicKey,
    lo.fingerprint,
    hi.fingerprint,
    keccak_256(lo.kemKey),
    keccak_256(hi.kemKey),
  );
  return { bytes, aIsLow };
}

const label = (text: string, context: Uint8Array) =>
  cat(enc.encode(text), Uint8Array.of(0), context);

/**
 * The v2 key schedule of CRYPTO.md from raw secrets: the hybrid root, then per direction the
 * epoch-0 chain, confirmation, frame key 0, chain 1 and frame key 1.
 */
export async function keySchedule(
  parts: { kemLow: Uint8Array; kemHigh: Uint8Array; dhEphemeral: Uint8Array; dhStatic: Uint8Array },
  roomId: Uint8Array,
  t: Uint8Array,
  helloLow: Uint8Array,
  helloHigh: Uint8Array,
  /** Per direction, the first DH ratchet step: its ECDH output and its encoded bytes. */
  ratchet: Record<"lowToHigh" | "highToLow", { dh: Uint8Array; step: Uint8Array }>,
) {
  const out: Record<string, string> = {};
  const empty = new Uint8Array(0);
  const ikm = cat(parts.kemLow, parts.kemHigh, parts.dhEphemeral, parts.dhStatic);
  const context = new Uint8Array(await subtle.digest("SHA-256", cat(t, helloLow, helloHigh)));
  const root = await hkdf(ikm, roomId, label("mesh3/v2 root", context));
  out.root = toHex(root);
  const dirs = [["lowToHigh", 1], ["highToLow", 2]] as const;
  for (const [name, d] of dirs) {
    const chain0 = await hkdf(root, empty, label("mesh3/v2 chain", be(d, 4)));
    const confirm = await hkdf(root, empty, label("mesh3/v2 confirm", be(d, 4)));
    const key0 = await hkdf(chain0, empty, label("mesh3/v2 frame key", cat(be(d, 4), be(0, 4))));
    const { dh, step } = ratchet[name];
    const chain1 = await hkdf(chain0, dh, label("mesh3/v2 ratchet", cat(be(d, 4), be(1, 4), step)));
    const key1 = await hkdf(chain1, empty, label("mesh3/v2 frame key", cat(be(d, 4), be(1, 4))));
    Object.assign(out, {
      [`${name}Chain0`]: toHex(chain0),
      [`${name}Confirmation`]: toHex(confirm),
      [`${name}FrameKey0`]: toHex(key0),
      [`${name}Step1`]: toHex(step),
      [`${name}Chain1`]: toHex(chain1),
      [`${name}FrameKey1`]: toHex(key1),
    });
  }
  return out;
}

/** header, IV, AAD and the sealed frame of CRYPTO.md, from a raw AES-256 key. */
export async function seal(
  rawKey: Uint8Array,
  roomId: Uint8Array,
  direction: number,
  epoch: number,
  sequence: bigint,
  plaintext: Uint8Array,
  step: Uint8Array = new Uint8Array(0),
): Promise<{ header: string; iv: string; aad: string; frame: string }> {
  const header = cat(Uint8Array.of(2), be(epoch, 4), be(sequence, 8), step);
  const iv = cat(be(direction, 4), be(sequence, 8));
  const aad = cat(header, be(direction, 4), roomId);
  const key = await subtle.importKey("raw", rawKey as BufferSource, "AES-GCM", false, ["encrypt"]);
  const sealed = new Uint8Array(
    await subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: aad, tagLength: 128 },
      key,
      plaintext as BufferSource,
    ),
  );
  return {
    header: toHex(header),
    iv: toHex(iv),
    aad: toHex(aad),
    frame: toHex(cat(header, sealed)),
  };
}

/** One half of the safety number of CRYPTO.md. */
async function half(p: RefParty): Promise<string> {
  const password = cat(
    Uint8Array.of(p.publicKey.length),
    p.publicKey,
    p.fingerprint,
    keccak_256(p.kemKey),
  );
  const salt = cat(enc.encode("mesh3/safety-number/v2"), Uint8Array.of(0), p.address);
  const key = await subtle.importKey("raw", password, "PBKDF2", false, ["deriveBits"]);
  const bits = new Uint8Array(
    await subtle.deriveBits({ name: "PBKDF2", hash: "SHA-512", salt, iterations: 16384 }, key, 240),
  );
  let digits = "";
  for (let i = 0; i < 30; i += 5) {
    digits += String(Number(BigInt("0x" + toHex(bits.subarray(i, i + 5))) % 100000n)).padStart(
      5,
      "0",
    );
  }
  return digits;
}

/** The safety number of CRYPTO.md. */
export async function safetyNumber(a: RefParty, b: RefParty): Promise<string> {
  const halves = [await half(a), await half(b)].sort();
  return halves.join("").replace(/(\d{5})(?=\d)/g, "$1 ");
}

/** The roster hash of CRYPTO.md section 7c: members sorted by address bytes. */
export async function roster(
  roomId: Uint8Array,
  members: { address: Uint8Array; commitment: Uint8Array }[],
): Promise<Uint8Array> {
  const sorted = [...members].sort((a, b) => toHex(a.address) < toHex(b.address) ? -1 : 1);
  return new Uint8Array(
    await subtle.digest(
      "SHA-256",
      cat(
        enc.encode("mesh3/v2/roster\0"),
        roomId,
        be(sorted.length, 2),
        ...sorted.flatMap((m) => [m.address, m.commitment]),
      ),
    ),
  );
}

/** The group message hash of CRYPTO.md section 7c. */
export async function groupMessage(m: {
  roomId: Uint8Array;
  author: Uint8Array;
  id: string;
  roster: Uint8Array;
  sentAt: number;
  text: string;
}): Promise<Uint8Array> {
  const id = enc.encode(m.id);
  return new Uint8Array(
    await subtle.digest(
      "SHA-256",
      cat(
        enc.encode("mesh3/v2/group-message\0"),
        m.roomId,
        m.author,
        Uint8Array.of(id.length),
        id,
        m.roster,
        be(m.sentAt, 8),
        enc.encode(m.text),
      ),
    ),
  );
}

/**
 * The file tree root of CRYPTO.md section 7a, written the other way round: the tree of n leaves
 * splits at the largest power of two below n (RFC 6962's shape, which pairing level by level and
 * moving an odd node up gives too), with @noble/hashes' SHA-256 instead of WebCrypto's.
 */
export function fileTree(bytes: Uint8Array, chunkSize: number): string {
  const leaves: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += chunkSize) {
    leaves.push(sha256(bytes.subarray(at, at + chunkSize)));
  }
  const node = (xs: Uint8Array[]): Uint8Array => {
    if (xs.length === 1) return xs[0];
    let k = 1;
    while (k * 2 < xs.length) k *= 2;
    return sha256(cat(Uint8Array.of(1), node(xs.slice(0, k)), node(xs.slice(k))));
  };
  const top = leaves.length === 0 ? sha256(new Uint8Array(0)) : node(leaves);
  return toHex(
    sha256(cat(enc.encode("mesh3/v2/file-tree\0"), be(bytes.length, 8), be(chunkSize, 4), top)),
  );
}
