/**
 * Computes every vector's outputs from its inputs with the core itself. Shared by `generate.ts`
 * (which writes the JSON files) and `app/core/vectors_test.ts` (which recomputes and compares them).
 * Test code: fixed private keys are imported here, the only place the core's keys come from
 * known bytes.
 * @module
 */
import type { Hex } from "viem";
import { ml_kem768 } from "@noble/post-quantum/ml-kem.js";
import { computeCommitment, kemKeyHash, storedCommitment } from "../../app/core/commitment.ts";
import { createChannel } from "../../app/core/channel.ts";
import type { EcdhCurve, EcdhKeyPair } from "../../app/core/ecdh.ts";
import { type Direction, frameAad, frameIv, sealFrame } from "../../app/core/frame.ts";
import { deriveConnectionKeys, deriveSessionKeys } from "../../app/core/key_schedule.ts";
import { makeHello, parseHello } from "../../app/core/handshake.ts";
import { generateKemKeyPair } from "../../app/core/kem.ts";
import { computeSafetyNumber } from "../../app/core/safety_number.ts";
import { groupMessageHash, rosterHash } from "../../app/core/group.ts";
import { chunkDigest, fileTreeRoot } from "../../app/core/file_tree.ts";
import { fromHex, toHex } from "./reference.ts";

const enc = new TextEncoder();

function base64url(text: string): Uint8Array {
  const b = atob(
    text.replaceAll("-", "+").replaceAll("_", "/") + "===".slice((text.length + 3) % 4),
  );
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
}

/** Imports a fixed PKCS #8 private key (vectors only) and recovers its raw public key. */
export async function keyPairFromPkcs8(curve: EcdhCurve, pkcs8: string): Promise<EcdhKeyPair> {
  const algorithm = curve === "X25519" ? { name: "X25519" } : { name: "ECDH", namedCurve: "P-256" };
  const privateKey = await crypto.subtle.importKey("pkcs8", fromHex(pkcs8), algorithm, true, [
    "deriveKey",
    "deriveBits",
  ]);
  const jwk = await crypto.subtle.exportKey("jwk", privateKey);
  const publicKey = curve === "X25519"
    ? base64url(jwk.x!)
    : Uint8Array.of(4, ...base64url(jwk.x!), ...base64url(jwk.y!));
  return { curve, privateKey, publicKey };
}

/** Inputs of a commitment vector. */
export interface CommitmentCase {
  chainId: number;
  registry: Hex;
  roomId: Hex;
  member: Hex;
  publicKey: string;
  fingerprint: string;
  /** FIPS 203 seed d || z of the member's ML-KEM-768 key (64 bytes). */
  kemSeed: string;
}

/** The ML-KEM-768 encapsulation key of a FIPS 203 seed (vectors only: real keys are random). */
export function kemKeyOfSeed(seed: string): Uint8Array {
  return ml_kem768.keygen(fromHex(seed)).publicKey;
}

export function commitmentOutputs(c: CommitmentCase) {
  const { kemSeed, ...rest } = c;
  const kemKey = kemKeyOfSeed(kemSeed);
  const commitment = computeCommitment({
    ...rest,
    publicKey: fromHex(c.publicKey),
    fingerprint: fromHex(c.fingerprint),
    kemKey,
  });
  return {
    kemKeyHash: kemKeyHash(kemKey),
    commitment,
    stored: storedCommitment(commitment),
  };
}

/** Inputs of a frame vector. */
export interface FrameCase {
  key: string;
  roomId: string;
  direction: Direction;
  epoch: number;
  sequence: string;
  /** The epoch's encoded DH step (empty in epoch 0). */
  step: string;
  plaintext: string;
}

export async function frameOutputs(c: FrameCase) {
  const key = await crypto.subtle.importKey("raw", fromHex(c.key), "AES-GCM", false, ["encrypt"]);
  const roomId = fromHex(c.roomId);
  const sequence = BigInt(c.sequence);
  const frame = await sealFrame(
    { key, roomId, direction: c.direction },
    c.epoch,
    sequence,
    fromHex(c.plaintext),
    fromHex(c.step),
  );
  const stepLength = c.step.length / 2;
  return {
    header: toHex(frame.subarray(0, 13 + stepLength)),
    iv: toHex(frameIv(c.direction, sequence)),
    aad: toHex(frameAad(frame, c.direction, roomId, stepLength)),
    frame: toHex(frame),
  };
}

/** One party of a key-schedule vector. */
export interface KeyScheduleParty {
  address: Hex;
  privateKeyPkcs8: string;
  fingerprint: string;
  /** FIPS 203 seed d || z of the party's committed ML-KEM-768 key (64 bytes). */
  kemSeed: string;
  /** This party's hello: nonce (32 bytes), ephemeral private key (PKCS #8), and the 32-byte
   * ML-KEM encapsulation randomness m (all random in real handshakes). */
  nonce: string;
  ephemeralPkcs8: string;
  kemRandom: string;
  /** The private share of the party's first DH ratchet step (PKCS #8; random in real use). */
  ratchetPkcs8: string;
}

/** Inputs of a key-schedule vector. */
export interface KeyScheduleCase {
  curve: EcdhCurve;
  roomId: Hex;
  alice: KeyScheduleParty;
  bob: KeyScheduleParty;
  messages: string[];
}

/** A party's committed keys and its party record. */
export async function vectorParty(curve: EcdhCurve, p: KeyScheduleParty) {
  const keyPair = await keyPairFromPkcs8(curve, p.privateKeyPkcs8);
  const kemKeyPair = await generateKemKeyPair({ seed: fromHex(p.kemSeed) });
  const party = {
    address: p.address,
    publicKey: keyPair.publicKey,
    fingerprint: fromHex(p.fingerprint),
    kemKey: kemKeyPair.publicKey,
  };
  return { keyPair, kemKeyPair, party };
}

/**
 * Runs the whole v2 handshake for both parties with fixed hello material: session keys, hellos,
 * connection keys, then each party's frames — its confirmation (sequence 0), the messages in
 * order, then after `rekey()` the same messages again.
 */
export async function keyScheduleOutputs(c: KeyScheduleCase) {
  const a = await vectorParty(c.curve, c.alice);
  const b = await vectorParty(c.curve, c.bob);
  const session = (me: typeof a, peer: typeof a) =>
    deriveSessionKeys({
      roomId: c.roomId,
      keyPair: me.keyPair,
      kemKeyPair: me.kemKeyPair,
      self: me.party,
      peer: peer.party,
    });
  const [sessionA, sessionB] = [await session(a, b), await session(b, a)];
  const hello = async (s: typeof sessionA, p: KeyScheduleParty) =>
    makeHello(s, {
      nonce: fromHex(p.nonce),
      ephemeral: await keyPairFromPkcs8(c.curve, p.ephemeralPkcs8),
      kemRandom: fromHex(p.kemRandom),
    });
  const [ha, hb] = [await hello(sessionA, c.alice), await hello(sessionB, c.bob)];
  const helloA = toHex(ha.hello), helloB = toHex(hb.hello);
  const parsed = (h: typeof ha) => ({ ...parseHello(h.hello, c.curve)!, hello: h.hello });
  const [pa, pb] = [parsed(ha), parsed(hb)];
  const keysA = await deriveConnectionKeys(sessionA, ha, pb);
  const keysB = await deriveConnectionKeys(sessionB, hb, pa);
  const frames = async (keys: typeof keysA, p: KeyScheduleParty) => {
    const ratchetShare = () => keyPairFromPkcs8(c.curve, p.ratchetPkcs8);
    const channel = createChannel({ keys, ratchetShare });
    const out = [toHex(await channel.seal(keys.sendConfirmation))];
    for (const m of c.messages) out.push(toHex(await channel.seal(enc.encode(m))));
    channel.rekey();
    for (const m of c.messages) out.push(toHex(await channel.seal(enc.encode(m))));
    return out;
  };
  return {
    alicePublicKey: toHex(a.keyPair.publicKey),
    bobPublicKey: toHex(b.keyPair.publicKey),
    aliceKemKeyHash: kemKeyHash(a.kemKeyPair.publicKey),
    bobKemKeyHash: kemKeyHash(b.kemKeyPair.publicKey),
    transcript: toHex(sessionA.transcript),
    aliceHello: helloA,
    bobHello: helloB,
    aliceDirection: keysA.send.direction,
    aliceConfirmation: toHex(keysA.sendConfirmation),
    bobConfirmation: toHex(keysB.sendConfirmation),
    aliceFrames: await frames(keysA, c.alice),
    bobFrames: await frames(keysB, c.bob),
    safetyNumber: await computeSafetyNumber(a.party, b.party),
  };
}

/** Inputs of a safety-number vector. */
export interface SafetyNumberCase {
  a: { address: Hex; publicKey: string; fingerprint: string; kemSeed: string };
  b: { address: Hex; publicKey: string; fingerprint: string; kemSeed: string };
}

export async function safetyNumberOutputs(c: SafetyNumberCase) {
  const party = (p: SafetyNumberCase["a"]) => ({
    address: p.address,
    publicKey: fromHex(p.publicKey),
    fingerprint: fromHex(p.fingerprint),
    kemKey: kemKeyOfSeed(p.kemSeed),
  });
  return { safetyNumber: await computeSafetyNumber(party(c.a), party(c.b)) };
}

/** Inputs of a group vector (inputs.ts). */
export interface GroupCaseInput {
  roomId: Hex;
  members: { address: Hex; commitment: Hex }[];
  author: Hex;
  id: string;
  sentAt: number;
  text: string;
}

/** The roster hash of the members and the message hash of the text sent under it. */
export async function groupOutputs(c: GroupCaseInput) {
  const roster = await rosterHash(c.roomId, c.members);
  const messageHash = await groupMessageHash({ ...c, roster });
  return { roster, messageHash };
}

/** Inputs of a file-tree vector: the file is `fileTreeBytes(size, seed)`. */
export interface FileTreeCase {
  size: number;
  chunkSize: number;
  seed: number;
}

/** A vector's file: byte i is the top byte of the low 32 bits of (i + seed) × 2654435761. */
export function fileTreeBytes(size: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => Math.imul(i + seed, 2654435761) >>> 24);
}

/** Each chunk's digest (the leaves) and the root, as the engine computes them. */
export async function fileTreeOutputs(c: FileTreeCase) {
  const bytes = fileTreeBytes(c.size, c.seed);
  const leaves: Uint8Array[] = [];
  for (let at = 0; at < c.size; at += c.chunkSize) {
    leaves.push(await chunkDigest(bytes.subarray(at, at + c.chunkSize)));
  }
  return { leaves: leaves.map(toHex), root: await fileTreeRoot(leaves, c.size, c.chunkSize) };
}
