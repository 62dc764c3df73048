/**
 * Computes every vector's outputs from its inputs with the core itself. Shared by `generate.ts`
 * (which writes the JSON files) and `app/core/vectors_test.ts` (which recomputes and compares them).
 * Test code: fixed private keys are imported here, the only place the core's keys come from
 * known bytes.
 * @module
 */
import type { Hex } from "viem";
import { computeCommitment, storedCommitment } from "../../app/core/commitment.ts";
import { createChannel } from "../../app/core/channel.ts";
import type { EcdhCurve, EcdhKeyPair } from "../../app/core/ecdh.ts";
import { type Direction, frameAad, frameIv, sealFrame } from "../../app/core/frame.ts";
import { deriveConnectionKeys, deriveSessionKeys } from "../../app/core/key_schedule.ts";
import { encodeHello } from "../../app/core/handshake.ts";
import { computeSafetyNumber } from "../../app/core/safety_number.ts";
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
  publicKey: string;
  fingerprint: string;
}

export function commitmentOutputs(c: CommitmentCase) {
  const commitment = computeCommitment({
    ...c,
    publicKey: fromHex(c.publicKey),
    fingerprint: fromHex(c.fingerprint),
  });
  return { commitment, stored: storedCommitment(commitment) };
}

/** Inputs of a frame vector. */
export interface FrameCase {
  key: string;
  roomId: string;
  direction: Direction;
  epoch: number;
  sequence: string;
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
  );
  return {
    header: toHex(frame.subarray(0, 13)),
    iv: toHex(frameIv(c.direction, sequence)),
    aad: toHex(frameAad(frame, c.direction, roomId)),
    frame: toHex(frame),
  };
}

/** One party of a key-schedule vector. */
export interface KeyScheduleParty {
  address: Hex;
  privateKeyPkcs8: string;
  fingerprint: string;
  /** This party's connection nonce (32 bytes; random in real handshakes). */
  nonce: string;
}

/** Inputs of a key-schedule vector. */
export interface KeyScheduleCase {
  curve: EcdhCurve;
  roomId: Hex;
  alice: KeyScheduleParty;
  bob: KeyScheduleParty;
  messages: string[];
}

/**
 * Runs the whole handshake for both parties with the given nonces: session keys, hellos,
 * connection keys, then each party's frames — its confirmation (sequence 0), the messages in
 * order, then after `rekey()` the same messages again.
 */
export async function keyScheduleOutputs(c: KeyScheduleCase) {
  const [ka, kb] = await Promise.all([
    keyPairFromPkcs8(c.curve, c.alice.privateKeyPkcs8),
    keyPairFromPkcs8(c.curve, c.bob.privateKeyPkcs8),
  ]);
  const alice = {
    address: c.alice.address,
    publicKey: ka.publicKey,
    fingerprint: fromHex(c.alice.fingerprint),
  };
  const bob = {
    address: c.bob.address,
    publicKey: kb.publicKey,
    fingerprint: fromHex(c.bob.fingerprint),
  };
  const sessionA = await deriveSessionKeys({
    roomId: c.roomId,
    keyPair: ka,
    self: alice,
    peer: bob,
  });
  const sessionB = await deriveSessionKeys({
    roomId: c.roomId,
    keyPair: kb,
    self: bob,
    peer: alice,
  });
  const [na, nb] = [fromHex(c.alice.nonce), fromHex(c.bob.nonce)];
  const keysA = await deriveConnectionKeys(sessionA, { self: na, peer: nb });
  const keysB = await deriveConnectionKeys(sessionB, { self: nb, peer: na });
  const frames = async (keys: typeof keysA) => {
    const channel = createChannel({ keys });
    const out = [toHex(await channel.seal(keys.sendConfirmation))];
    for (const m of c.messages) out.push(toHex(await channel.seal(enc.encode(m))));
    channel.rekey();
    for (const m of c.messages) out.push(toHex(await channel.seal(enc.encode(m))));
    return out;
  };
  return {
    alicePublicKey: toHex(ka.publicKey),
    bobPublicKey: toHex(kb.publicKey),
    transcript: toHex(sessionA.transcript),
    aliceHello: toHex(encodeHello(na)),
    bobHello: toHex(encodeHello(nb)),
    aliceDirection: keysA.send.direction,
    aliceConfirmation: toHex(keysA.sendConfirmation),
    bobConfirmation: toHex(keysB.sendConfirmation),
    aliceFrames: await frames(keysA),
    bobFrames: await frames(keysB),
    safetyNumber: await computeSafetyNumber(alice, bob),
  };
}

/** Inputs of a safety-number vector. */
export interface SafetyNumberCase {
  a: { address: Hex; publicKey: string; fingerprint: string };
  b: { address: Hex; publicKey: string; fingerprint: string };
}

export async function safetyNumberOutputs(c: SafetyNumberCase) {
  const party = (p: SafetyNumberCase["a"]) => ({
    ...p,
    publicKey: fromHex(p.publicKey),
    fingerprint: fromHex(p.fingerprint),
  });
  return { safetyNumber: await computeSafetyNumber(party(c.a), party(c.b)) };
}
