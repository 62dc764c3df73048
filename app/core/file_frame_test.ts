import assert from "node:assert/strict";
import { FrameError } from "./errors.ts";
import {
  CHUNK_OVERHEAD,
  createFileCipher,
  type FileCipher,
  MAX_FILE_FRAME_LENGTH,
} from "./file_frame.ts";
import { deriveSubChannelKeys } from "./sub_keys.ts";
import { sessionPair } from "../../testing/core_fixtures.ts";

async function ciphers(): Promise<[FileCipher, FileCipher]> {
  const [a, b] = await sessionPair();
  const [fa, fb] = await Promise.all([
    deriveSubChannelKeys(a.keys, "files"),
    deriveSubChannelKeys(b.keys, "files"),
  ]);
  return [createFileCipher(fa), createFileCipher(fb)];
}

const id = (n: number) => new Uint8Array(16).fill(n);
const reason = (r: string) => (e: unknown) => e instanceof FrameError && e.reason === r;

Deno.test("createFileCipher", async (t) => {
  await t.step("behavior: controls and chunks open in order with id and index", async () => {
    const [a, b] = await ciphers();
    const data = crypto.getRandomValues(new Uint8Array(1000));
    // Seals run concurrently; sequence numbers follow the call order.
    const frames = await Promise.all([
      a.sealControl(new Uint8Array([7])),
      a.sealChunk(id(1), 0, data),
      a.sealChunk(id(1), 1, data.subarray(0, 5)),
    ]);
    assert.deepEqual(await b.open(frames[0]), { kind: "control", plaintext: new Uint8Array([7]) });
    const c0 = await b.open(frames[1]);
    assert.ok(c0.kind === "chunk");
    assert.deepEqual([c0.fileId, c0.index, c0.plaintext], [id(1), 0, data]);
    const c1 = await b.open(frames[2]);
    assert.ok(c1.kind === "chunk" && c1.index === 1 && c1.plaintext.length === 5);
    assert.equal(frames[1].length, data.length + CHUNK_OVERHEAD);
  });

  await t.step("error: a chunk whose id, index or bytes changed is tampered", async () => {
    for (const at of [1, 12, 28, 40, 200]) {
      const [a, b] = await ciphers();
      const frame = await a.sealChunk(id(2), 3, new Uint8Array(300));
      frame[at] ^= 1; // at 1: the sequence; 12, 28: file id and index; then ciphertext
      await assert.rejects(b.open(frame), at === 1 ? reason("reordered") : reason("tampered"));
    }
  });

  await t.step("error: replayed, skipped, truncated, oversized or unknown frames", async () => {
    const [a, b] = await ciphers();
    const f0 = await a.sealControl(new Uint8Array(1));
    const f1 = await a.sealControl(new Uint8Array(1));
    const f2 = await a.sealControl(new Uint8Array(1));
    await b.open(f0);
    await assert.rejects(b.open(f0), reason("replayed"));
    await assert.rejects(b.open(f2), reason("reordered"));
    await b.open(f1);
    await assert.rejects(b.open(f2.subarray(0, 20)), reason("truncated"));
    await assert.rejects(b.open(new Uint8Array(MAX_FILE_FRAME_LENGTH + 1).fill(0x22)), {
      name: "FrameError",
    });
    await assert.rejects(b.open(Uint8Array.of(0x99, ...f2.subarray(1))), reason("version"));
  });

  await t.step(
    "behavior: a recycled frame is filled by the next seal of its length, once",
    async () => {
      const [a, b] = await ciphers();
      const first = await a.sealChunk(id(4), 0, new Uint8Array(500).fill(1));
      await b.open(first.slice());
      a.recycle(first);
      a.recycle(first); // Twice: still one spare, never two seals in one buffer.
      a.recycle(new Uint8Array(new ArrayBuffer(600), 10, 500 + CHUNK_OVERHEAD)); // A view: ignored.
      const second = await a.sealChunk(id(4), 1, new Uint8Array(500).fill(2));
      const third = await a.sealChunk(id(4), 2, new Uint8Array(500).fill(3));
      assert.equal(second, first, "the spare frame was reused");
      assert.notEqual(third, first);
      const short = await a.sealChunk(id(4), 3, new Uint8Array(20).fill(4)); // Another length.
      for (const [frame, index, fill] of [[second, 1, 2], [third, 2, 3], [short, 3, 4]] as const) {
        const opened = await b.open(frame);
        assert.ok(opened.kind === "chunk" && opened.index === index);
        assert.ok(opened.plaintext.every((x) => x === fill), `chunk ${index} opened whole`);
      }
    },
  );

  await t.step("error: the other direction's frames do not open", async () => {
    const [a] = await ciphers();
    const frame = await a.sealControl(new Uint8Array(4));
    await assert.rejects(a.open(frame), reason("tampered"));
  });

  await t.step("error: oversized chunks and controls are not sealed", async () => {
    const [a] = await ciphers();
    const max = MAX_FILE_FRAME_LENGTH - CHUNK_OVERHEAD;
    assert.equal((await a.sealChunk(id(3), 0, new Uint8Array(max))).length, MAX_FILE_FRAME_LENGTH);
    await assert.rejects(a.sealChunk(id(3), 1, new Uint8Array(max + 1)), RangeError);
    await assert.rejects(a.sealControl(new Uint8Array(16 * 1024 + 1)), RangeError);
    await assert.rejects(a.sealChunk(new Uint8Array(15), 0, new Uint8Array(1)), TypeError);
  });
});
