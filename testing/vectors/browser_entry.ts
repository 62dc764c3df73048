/**
 * Browser bundle entry for `chromium_test.ts` and `firefox_test.ts` (through browser_suite.ts):
 * exposes the vector computations and a short handshake run on `globalThis`, so the same core
 * code is checked in each browser's WebCrypto.
 * @module
 */
import * as compute from "./compute.ts";
import { FrameError, generateEcdhKeyPair, handshake, supportsX25519 } from "../../app/core/mod.ts";
import { sessionPair } from "../core_fixtures.ts";
import { memoryTransportPair } from "../memory_transport.ts";

async function handshakeRun(): Promise<Record<string, unknown>> {
  const [a, b] = await sessionPair();
  const [ta, tb] = memoryTransportPair();
  const [ca, cb] = await Promise.all([
    handshake({ keys: a.session, transport: ta }),
    handshake({ keys: b.session, transport: tb }),
  ]);
  const frame = await ca.seal(new TextEncoder().encode("hello from the browser"));
  const text = new TextDecoder().decode(await cb.open(frame));
  // A DH ratchet step each way: Alice steps, Bob's next frame answers with his own step.
  ca.rekey();
  const stepped = new TextDecoder().decode(await cb.open(await ca.seal(Uint8Array.of(49))));
  await ca.open(await cb.seal(Uint8Array.of(50)));
  const epochs = [ca.state().sendEpoch, cb.state().sendEpoch];
  const bad = await ca.seal(new TextEncoder().encode("altered on the way"));
  bad[20] ^= 1;
  let refused = "";
  try {
    await cb.open(bad);
  } catch (error) {
    refused = error instanceof FrameError ? error.reason : String(error);
  }
  const pair = await generateEcdhKeyPair();
  return {
    text,
    stepped,
    epochs,
    refused,
    curve: pair.curve,
    x25519: await supportsX25519(),
    kem: a.kemKeyPair.backend,
  };
}

Object.assign(globalThis, { mesh3Core: { ...compute, handshakeRun } });
