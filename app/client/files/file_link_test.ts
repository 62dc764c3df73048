import assert from "node:assert/strict";
import { createFileCipher } from "../../core/file_frame.ts";
import { FakeDataChannel } from "../../../testing/fake_rtc.ts";
import { fileKeyPair } from "../../../testing/file_peers.ts";
import { FileLink, OPEN_AHEAD } from "./file_link.ts";

const ALICE = "0x00000000000000000000000000000000000000a1";
const BOB = "0x00000000000000000000000000000000000000b0";
const FILE_ID = new Uint8Array(16).fill(7);

/** Counts the AES-GCM openings that finished (stands in `crypto.subtle.decrypt` until `restore`). */
function countOpenings() {
  const subtle = crypto.subtle as { decrypt: SubtleCrypto["decrypt"] };
  const decrypt = crypto.subtle.decrypt;
  const counter = { opened: 0, restore: () => delete (subtle as Partial<typeof subtle>).decrypt };
  subtle.decrypt = (...args) =>
    decrypt.apply(crypto.subtle, args).then((r) => {
      counter.opened++;
      return r;
    });
  return counter;
}

/** Bob's file link, with `count` sealed chunks from Alice already delivered before it starts. */
async function bobWithChunks(count: number) {
  const [alice, bob] = await fileKeyPair(ALICE, BOB);
  const seal = createFileCipher(alice);
  const channel = new FakeDataChannel("mesh3-files");
  channel.open();
  const frames: ArrayBuffer[] = [];
  for (let i = 0; i < count; i++) {
    frames.push((await seal.sealChunk(FILE_ID, i, new Uint8Array(1024).fill(i))).slice().buffer);
  }
  const handled: string[] = [];
  const link = new FileLink({
    peer: ALICE,
    channel: channel as unknown as RTCDataChannel,
    early: [],
    keys: bob,
    maxMessageSize: 256 * 1024,
  }, {
    control: () => {},
    chunk: (_id, index, bytes) => void handled.push(`chunk ${index}:${bytes[0]}`),
    refused: () => Promise.resolve(),
    closed: () => {},
  });
  for (const data of frames) channel.dispatchEvent(new MessageEvent("message", { data }));
  return { link, frames, handled };
}

/** Waits until `f()` or 5 s. */
async function until(f: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !f(); i++) await new Promise((r) => setTimeout(r, 10));
}

Deno.test("behavior: frames are opened only a few ahead of the one being handled", async () => {
  const counter = countOpenings();
  try {
    const { link, frames, handled } = await bobWithChunks(OPEN_AHEAD + 6);
    await until(() => counter.opened >= OPEN_AHEAD);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(counter.opened, OPEN_AHEAD, "before it starts, only the first few are opened");
    link.start();
    await until(() => handled.length === frames.length);
    assert.equal(counter.opened, frames.length, "then every frame, once each");
    assert.deepEqual(handled, frames.map((_, i) => `chunk ${i}:${i}`));
    link.close();
  } finally {
    counter.restore();
  }
});

Deno.test("behavior: another event queued meanwhile is handled between two chunks", async () => {
  const { link, frames, handled } = await bobWithChunks(OPEN_AHEAD + 2);
  // Every frame that will be opened ahead is open: without a turn of the event loop between
  // chunks, all of them would be handled before any other event.
  await new Promise((r) => setTimeout(r, 100));
  const { port1, port2 } = new MessageChannel();
  port1.onmessage = () => void handled.push("chat text");
  link.start();
  port2.postMessage(null); // Queued while the first chunk is handled.
  await until(() => handled.length === frames.length + 1);
  port1.close();
  port2.close();
  assert.ok(handled.indexOf("chat text") <= 1, handled.join(", "));
  assert.deepEqual(
    handled.filter((h) => h !== "chat text"),
    frames.map((_, i) => `chunk ${i}:${i}`),
  );
  link.close();
});
