import assert from "node:assert/strict";
import { createChannel } from "./channel.ts";
import { generateEcdhKeyPair } from "./ecdh.ts";
import { generateKemKeyPair } from "./kem.ts";
import { ConfirmationError } from "./errors.ts";
import { encodeHello, handshake, helloLength, makeHello, parseHello } from "./handshake.ts";
import { deriveConnectionKeys, deriveSessionKeys } from "./key_schedule.ts";
import { memoryTransportPair } from "../../testing/memory_transport.ts";
import { sessionPair, TEST_ROOM_ID } from "../../testing/core_fixtures.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("encodeHello and parseHello", async (t) => {
  const parts = {
    nonce: new Uint8Array(32).fill(7),
    ephemeral: new Uint8Array(32).fill(8),
    ciphertext: new Uint8Array(1088).fill(9),
  };
  await t.step('behavior: "M3H2", the nonce, the ephemeral share, the ML-KEM ciphertext', () => {
    const hello = encodeHello(parts);
    assert.equal(hello.length, helloLength("X25519"));
    assert.equal(text(hello.subarray(0, 4)), "M3H2");
    assert.deepEqual(parseHello(hello, "X25519"), parts);
    const p256 = { ...parts, ephemeral: new Uint8Array(65).fill(4) };
    assert.deepEqual(parseHello(encodeHello(p256), "P-256"), p256);
  });
  await t.step("error: anything else is not a hello", () => {
    const good = encodeHello(parts);
    const wrongMagic = good.slice();
    wrongMagic[3] = 0x31; // "M3H1": protocol v1
    for (
      const bad of [new Uint8Array(0), good.subarray(0, 35), Uint8Array.of(...good, 0), wrongMagic]
    ) {
      assert.equal(parseHello(bad, "X25519"), null);
    }
    assert.equal(parseHello(good, "P-256"), null); // another curve's length
  });
});

Deno.test("handshake", async (t) => {
  await t.step("behavior: both sides confirm and then exchange messages", async () => {
    const [a, b] = await sessionPair();
    const [ta, tb] = memoryTransportPair();
    const [ca, cb] = await Promise.all([
      handshake({ keys: a.session, transport: ta }),
      handshake({ keys: b.session, transport: tb }),
    ]);
    await ta.send(await ca.seal(bytes("hi bob")));
    assert.equal(text(await cb.open(await tb.receive())), "hi bob");
    await tb.send(await cb.seal(bytes("hi alice")));
    assert.equal(text(await ca.open(await ta.receive())), "hi alice");
  });
  await t.step(
    "behavior: reusing the same key pairs gives a new connection with new keys",
    async () => {
      const [a, b] = await sessionPair();
      const confirmations: string[] = [];
      for (let round = 0; round < 2; round++) {
        const [ta, tb] = memoryTransportPair({
          intercept: (frame, from) => {
            if (from === 0 && frame.length !== helloLength("X25519")) {
              confirmations.push(frame.join());
            }
            return frame;
          },
        });
        const [ca] = await Promise.all([
          handshake({ keys: a.session, transport: ta }),
          handshake({ keys: b.session, transport: tb }),
        ]);
        assert.equal(ca.state().nextSendSequence, 1n); // the counter restarted at 0 ...
      }
      assert.equal(confirmations.length, 2);
      assert.notEqual(confirmations[0], confirmations[1]); // ... under a different key
    },
  );
  await t.step("error: a key swapped in the middle fails confirmation on both sides", async () => {
    const [a, b] = await sessionPair();
    const mallory = await generateEcdhKeyPair();
    // Bob was told Mallory's key instead of Alice's.
    const bobKeys = await deriveSessionKeys({
      roomId: TEST_ROOM_ID,
      keyPair: b.keyPair,
      kemKeyPair: b.kemKeyPair,
      self: b.party,
      peer: { ...a.party, publicKey: mallory.publicKey },
    });
    const [ta, tb] = memoryTransportPair();
    const results = await Promise.allSettled([
      handshake({ keys: a.session, transport: ta }),
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
  await t.step("error: an altered nonce or confirmation frame fails", async () => {
    for (const target of ["hello", "confirmation"]) {
      const [a, b] = await sessionPair();
      const [ta, tb] = memoryTransportPair({
        intercept: (frame, from) => {
          const isHello = frame.length === helloLength("X25519");
          if (from === 0 && isHello === (target === "hello")) frame[frame.length - 1] ^= 1;
          return frame;
        },
      });
      const [ra, rb] = await Promise.allSettled([
        handshake({ keys: a.session, transport: ta }),
        handshake({ keys: b.session, transport: tb }),
      ]);
      assert.equal(rb.status, "rejected", target);
      assert.ok(rb.reason instanceof ConfirmationError);
      if (target === "hello") assert.equal(ra.status, "rejected"); // keys differ both ways
    }
  });
  await t.step("error: a protocol v1 hello is refused by name", async () => {
    const [a] = await sessionPair();
    const [ta, tb] = memoryTransportPair();
    tb.send(new Uint8Array([...new TextEncoder().encode("M3H1"), ...new Uint8Array(32)]));
    await assert.rejects(handshake({ keys: a.session, transport: ta }), {
      name: "ConfirmationError",
      message:
        "Cannot confirm keys: the peer speaks protocol v1, which is refused (it must update)",
    });
  });
  await t.step("error: an ML-KEM key swapped in the middle fails confirmation", async () => {
    const [a, b] = await sessionPair();
    const mallory = await generateKemKeyPair();
    // Bob was told Mallory's ML-KEM key instead of Alice's: he encapsulates to Mallory.
    const bobKeys = await deriveSessionKeys({
      roomId: TEST_ROOM_ID,
      keyPair: b.keyPair,
      kemKeyPair: b.kemKeyPair,
      self: b.party,
      peer: { ...a.party, kemKey: mallory.publicKey },
    });
    const [ta, tb] = memoryTransportPair();
    const results = await Promise.allSettled([
      handshake({ keys: a.session, transport: ta }),
      handshake({ keys: bobKeys, transport: tb }),
    ]);
    for (const r of results) {
      assert.equal(r.status, "rejected");
      assert.ok(r.reason instanceof ConfirmationError);
    }
  });
  await t.step("error: a malformed hello fails", async () => {
    const [a] = await sessionPair();
    const [ta, tb] = memoryTransportPair();
    tb.send(new Uint8Array(40));
    await assert.rejects(handshake({ keys: a.session, transport: ta }), {
      name: "ConfirmationError",
      message: "Cannot confirm keys: the peer's hello is malformed",
    });
  });
  await t.step("error: a first frame that is not the confirmation fails", async () => {
    const [a, b] = await sessionPair();
    const [ta, tb] = memoryTransportPair();
    const pending = handshake({ keys: b.session, transport: tb });
    // A peer that says hello, then sends a message instead of its confirmation.
    const mine = await makeHello(a.session);
    await ta.send(mine.hello);
    const bobHello = await ta.receive();
    const rogue = createChannel({
      keys: await deriveConnectionKeys(a.session, mine, {
        ...parseHello(bobHello, "X25519")!,
        hello: bobHello,
      }),
    });
    await ta.send(await rogue.seal(bytes("no confirmation")));
    await assert.rejects(pending, {
      name: "ConfirmationError",
      message: "Cannot confirm keys: the peer's first frame is not its confirmation",
    });
  });
  await t.step(
    "error: a silent peer times out, an abort stops, a closed transport fails",
    async () => {
      const [a, b] = await sessionPair();
      const [c] = await sessionPair();
      const [ta] = memoryTransportPair();
      await assert.rejects(handshake({ keys: a.session, transport: ta, timeoutMs: 20 }), {
        name: "ConfirmationError",
        message: "Cannot confirm keys: no answer from the peer in time",
      });
      const controller = new AbortController();
      const [tb] = memoryTransportPair();
      const pending = handshake({ keys: b.session, transport: tb, signal: controller.signal });
      controller.abort();
      await assert.rejects(pending, {
        name: "ConfirmationError",
        message: "Cannot confirm keys: the handshake was aborted",
      });
      const [tc, td] = memoryTransportPair();
      const closing = handshake({ keys: c.session, transport: tc });
      td.close();
      await assert.rejects(closing, {
        name: "ConfirmationError",
        message: "Cannot confirm keys: the transport closed before the peer confirmed",
      });
    },
  );
});

Deno.test("handshake with a hello made ahead", async (t) => {
  await t.step("behavior: the hello made ahead is the one sent, and the keys confirm", async () => {
    const [a, b] = await sessionPair();
    const [ta, tb] = memoryTransportPair();
    const ahead = await makeHello(a.session);
    const sent: Uint8Array[] = [];
    const spy = { send: (f: Uint8Array) => (sent.push(f), ta.send(f)), receive: ta.receive };
    const [ca, cb] = await Promise.all([
      handshake({ keys: a.session, transport: spy, hello: ahead }),
      handshake({ keys: b.session, transport: tb }),
    ]);
    assert.deepEqual(sent[0], ahead.hello);
    assert.equal(text(await cb.open(await ca.seal(bytes("made ahead")))), "made ahead");
  });
  await t.step("error: a hello that served one handshake is refused for another", async () => {
    const [a] = await sessionPair();
    const ahead = await makeHello(a.session);
    const [ta] = memoryTransportPair();
    const first = handshake({ keys: a.session, transport: ta, hello: ahead, timeoutMs: 10 });
    await assert.rejects(first, ConfirmationError); // nobody answers
    await assert.rejects(
      handshake({ keys: a.session, transport: memoryTransportPair()[0], hello: ahead }),
      { name: "TypeError", message: "Cannot run handshake: this hello already served one" },
    );
  });
});
