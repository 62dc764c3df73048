import assert from "node:assert/strict";
import * as ws from "ws";

/** ws's frame builder (exported at run time, not in its type declarations). */
const { Sender } = ws as unknown as {
  Sender: { frame(data: Uint8Array, options: Record<string, unknown>): Uint8Array[] };
};
import { textFrame, textFramePayload } from "./text_frame.ts";

/** The frame `ws` itself builds for `text` (header and payload, unmasked). */
function wsFrame(text: string): Uint8Array {
  const parts = Sender.frame(Buffer.from(text), {
    fin: true,
    opcode: 1,
    mask: false,
    readOnly: false,
    rsv1: false,
  });
  return new Uint8Array(Buffer.concat(parts));
}

Deno.test("textFrame: the same bytes as ws's own frame at every length boundary", () => {
  for (const n of [0, 1, 125, 126, 127, 65_535, 65_536, 70_000]) {
    const text = "a".repeat(n);
    assert.deepEqual(textFrame(text), wsFrame(text), `${n} bytes`);
  }
});

Deno.test("textFrame: multi-byte text is measured in UTF-8 bytes", () => {
  for (
    const text of ["é", "€".repeat(42), "😀".repeat(31), "x".repeat(124) + "é", "ü".repeat(40_000)]
  ) {
    assert.deepEqual(textFrame(text), wsFrame(text));
  }
});

Deno.test("textFramePayload: gives back the payload of every frame textFrame builds", () => {
  const decoder = new TextDecoder();
  for (const n of [0, 1, 125, 126, 65_535, 65_536, 70_000]) {
    const text = "é".repeat(n >> 1) + "a".repeat(n & 1);
    const payload = textFramePayload(textFrame(text));
    assert.ok(payload, `${n} characters`);
    assert.equal(decoder.decode(payload), text);
  }
});

Deno.test("textFramePayload: refuses anything but exactly one server text frame", () => {
  const frame = textFrame("hello");
  const refused: [string, Uint8Array][] = [
    ["empty", new Uint8Array()],
    ["cut short", frame.subarray(0, 4)],
    ["a byte too many", new Uint8Array([...frame, 0x21])],
    ["binary opcode", new Uint8Array([0x82, ...frame.subarray(1)])],
    ["not final", new Uint8Array([0x01, ...frame.subarray(1)])],
    ["masked", new Uint8Array([0x81, 0x85, 1, 2, 3, 4, ...frame.subarray(2)])],
    ["16-bit length for a short payload", new Uint8Array([0x81, 126, 0, 5, ...frame.subarray(2)])],
    ["64-bit length for a short payload", new Uint8Array([0x81, 127, 0, 0, 0, 0, 0, 0, 0, 5])],
  ];
  for (const [what, bytes] of refused) assert.equal(textFramePayload(bytes), undefined, what);
});
