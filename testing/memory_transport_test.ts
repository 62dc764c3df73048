import assert from "node:assert/strict";
import { memoryTransportPair } from "./memory_transport.ts";

Deno.test("memoryTransportPair", async (t) => {
  await t.step(
    "behavior: frames arrive in order on the other side, before or after receive()",
    async () => {
      const [a, b] = memoryTransportPair();
      const pending = b.receive();
      a.send(Uint8Array.of(1));
      a.send(Uint8Array.of(2));
      assert.deepEqual(await pending, Uint8Array.of(1));
      assert.deepEqual(await b.receive(), Uint8Array.of(2));
      b.send(Uint8Array.of(3));
      assert.deepEqual(await a.receive(), Uint8Array.of(3));
    },
  );
  await t.step("behavior: the interceptor can change or drop frames", async () => {
    const [a, b] = memoryTransportPair({
      intercept: (
        frame,
        from,
      ) => (frame[0] === 0 ? null : from === 0 ? Uint8Array.of(frame[0] + 10) : frame),
    });
    a.send(Uint8Array.of(0));
    a.send(Uint8Array.of(5));
    assert.deepEqual(await b.receive(), Uint8Array.of(15));
  });
  await t.step("error: receive() rejects once either side is closed", async () => {
    const [a, b] = memoryTransportPair();
    const pending = b.receive();
    a.close();
    await assert.rejects(pending, /Cannot receive: the transport is closed/);
    await assert.rejects(a.receive(), /Cannot receive: the transport is closed/);
  });
});
