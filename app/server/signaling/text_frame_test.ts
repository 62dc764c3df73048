import assert from "node:assert/strict";
import * as ws from "ws";

/** ws's frame builder (exported at run time, not in its type declarations). */
const { Sender } = ws as unknown as {
  Sender: { frame(data: Uint8Array, options: Record<string, unknown>): Uint8Array[] };
};
import { textFrame } from "./text_frame_conn.ts";

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
