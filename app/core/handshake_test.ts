import assert from "node:assert/strict";
import { ConfirmationError } from "./errors.ts";
import { handshake } from "./handshake.ts";
import { deriveSessionKeys } from "./key_schedule.ts";
import { memoryTransportPair } from "./memory_transport.ts";
import { generateEcdhKeyPair } from "./ecdh.ts";
import { createChannel } from "./channel.ts";
import { sessionPair, TEST_ROOM_ID } from "./test_fixtures.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("handshake", async (t) => {
  await t.step("behavior: both sides confirm and then exchange messages", async () => {
    const [a, b] = await sessionPair();
    const [ta, tb] = memoryTransportPair();
    const [ca, cb] = await Promise.all([
      handshake({ keys: a.keys, transport: ta }),
      handshake({ keys: b.keys, transport: tb }),
    ]);
    await ta.send(await ca.seal(bytes("hi bob")));
    assert.equal(text(await cb.open(await tb.receive())), "hi bob");
    await tb.send(await cb.seal(bytes("hi alice")));
    assert.equal(text(await ca.open(await ta.receive())), "hi alice");
  });
  await t.step("error: a key swapped in the middle fails confirmation on both sides", async () => {
    const [a, b] = await sessionPair();
    const mallory = await generateEcdhKeyPair();
    // Bob was told Mallory's key instead of Alice's.
    const bobKeys = await deriveSessionKeys({
      roomId: TEST_ROOM_ID,
      keyPair: b.keyPair,
      self: b.party,
      peer: { ...a.party, publicKey: mallory.publicKey },
    });
    const [ta, tb] = memoryTransportPair();
    const results = await Promise.allSettled([
      handshake({ keys: a.keys, transport: ta }),
      handshake({ keys: bobKeys, transport: tb }),
    ]);
    for (const r of results) {
      assert.equal(r.status, "rejected");
      assert.ok(r.reason instanceof ConfirmationError);
      assert.equal(
        r.reason.message,
        "Cannot confirm keys: the peer's first frame was refused (tampered)",
      );
    }
  });
  await t.step("error: a tampered confirmation frame fails", async () => {
    const [a, b] = await sessionPair();
    const [ta, tb] = memoryTransportPair({
      intercept: (frame, from) => {
        if (from === 0) frame[frame.length - 1] ^= 1;
        return frame;
      },
    });
    const [ra, rb] = await Promise.allSettled([
      handshake({ keys: a.keys, transport: ta }),
      handshake({ keys: b.keys, transport: tb }),
    ]);
    assert.equal(ra.status, "fulfilled");
    assert.equal(rb.status, "rejected");
    assert.ok(rb.reason instanceof ConfirmationError);
  });
  await t.step("error: a first frame that is not the confirmation fails", async () => {
    const [a, b] = await sessionPair();
    const [ta, tb] = memoryTransportPair();
    const rogue = createChannel({ keys: a.keys }); // skips confirmation, sends a message first
    await ta.send(await rogue.seal(bytes("no confirmation")));
    await assert.rejects(handshake({ keys: b.keys, transport: tb }), {
      name: "ConfirmationError",
      message: "Cannot confirm keys: the peer's first frame is not its confirmation",
    });
  });
  await t.step(
    "error: a silent peer times out, an abort stops, a closed transport fails",
    async () => {
      const [a, b, c] = [...await sessionPair(), (await sessionPair())[0]];
      const [ta] = memoryTransportPair();
      await assert.rejects(handshake({ keys: a.keys, transport: ta, timeoutMs: 20 }), {
        name: "ConfirmationError",
        message: "Cannot confirm keys: no confirmation from the peer in time",
      });
      const controller = new AbortController();
      const [tb] = memoryTransportPair();
      const pending = handshake({ keys: b.keys, transport: tb, signal: controller.signal });
      controller.abort();
      await assert.rejects(pending, {
        name: "ConfirmationError",
        message: "Cannot confirm keys: the handshake was aborted",
      });
      const [tc, td] = memoryTransportPair();
      const closing = handshake({ keys: c.keys, transport: tc });
      td.close();
      await assert.rejects(closing, {
        name: "ConfirmationError",
        message: "Cannot confirm keys: the transport closed before the peer confirmed",
      });
    },
  );
});
