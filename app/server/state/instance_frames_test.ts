import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { Hex } from "viem";
import { textFrame } from "../signaling/text_frame.ts";
import { InstanceOutbox, packFrames, RECORD_HEAD, unpackFrames } from "./instance_frames.ts";

const room = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;
const key = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;

function unpacked(batch: Buffer) {
  const out: { roomId: Hex; key: string; text: string }[] = [];
  const whole = unpackFrames(batch, (roomId, key, frame) => {
    out.push({ roomId, key, text: new TextDecoder().decode(frame.subarray(2)) });
  });
  return { whole, out };
}

Deno.test("packFrames: every frame comes back with its route, in order, byte for byte", () => {
  const frames = [
    { roomId: room(1), key: key(2), frame: textFrame('{"v":1,"type":"ice"}') },
    { roomId: room(3), key: key(4), frame: textFrame("") },
    { roomId: room(1), key: key(5), frame: textFrame("x".repeat(70_000)) },
  ];
  const batch = packFrames(frames);
  const seen: Uint8Array[] = [];
  assert.equal(
    unpackFrames(batch, (roomId, k, frame) => {
      const i = seen.length;
      assert.equal(roomId, frames[i].roomId);
      assert.equal(k, frames[i].key);
      seen.push(frame);
    }),
    true,
  );
  assert.deepEqual(seen.map((f) => new Uint8Array(f)), frames.map((f) => f.frame));
});

Deno.test("packFrames: refuses a route that is not a room id and a member key", () => {
  const frame = textFrame("{}");
  assert.throws(
    () => packFrames([{ roomId: "0x12" as Hex, key: key(1), frame }]),
    /^RangeError: Cannot pack a frame: bad route/,
  );
  assert.throws(
    () => packFrames([{ roomId: room(1), key: key(1).toUpperCase() + "0", frame }]),
    /Cannot pack a frame/,
  );
});

Deno.test("unpackFrames: a batch cut short gives the whole records before it and says so", () => {
  const batch = packFrames([
    { roomId: room(1), key: key(1), frame: textFrame("one") },
    { roomId: room(2), key: key(2), frame: textFrame("two") },
  ]);
  const cut = unpacked(batch.subarray(0, batch.length - 1));
  assert.equal(cut.whole, false);
  assert.deepEqual(cut.out.map((r) => r.text), ["one"]);
  const headOnly = unpacked(batch.subarray(0, RECORD_HEAD - 1));
  assert.deepEqual(headOnly, { whole: false, out: [] });
  assert.deepEqual(unpacked(Buffer.alloc(0)), { whole: true, out: [] });
});

Deno.test("InstanceOutbox: one batch per instance and turn, in the order queued", async () => {
  const published: { instance: string; texts: string[] }[] = [];
  const out = new InstanceOutbox((instance, batch) => {
    published.push({ instance, texts: unpacked(batch).out.map((r) => r.text) });
  });
  out.add("a", room(1), key(1), "1");
  out.add("b", room(1), key(2), "2");
  out.add("a", room(1), key(3), "3");
  assert.deepEqual(published, [], "nothing before the end of the turn");
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(published, [{ instance: "a", texts: ["1", "3"] }, {
    instance: "b",
    texts: ["2"],
  }]);
  out.add("a", room(1), key(1), "4");
  out.flush();
  assert.deepEqual(published.at(-1), { instance: "a", texts: ["4"] }, "flush sends at once");
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(published.length, 3, "and nothing twice");
});
