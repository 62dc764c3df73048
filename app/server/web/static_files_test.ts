import assert from "node:assert/strict";
import { pickEncoding } from "./static_files.ts";

const both = {
  body: new Uint8Array(1),
  contentType: "x",
  br: new Uint8Array(1),
  gzip: new Uint8Array(1),
};
const gzipOnly = { body: new Uint8Array(1), contentType: "x", gzip: new Uint8Array(1) };
const plain = { body: new Uint8Array(1), contentType: "x" };

Deno.test("pickEncoding: brotli first, then gzip, as accepted and available", () => {
  const cases: [string | undefined, typeof both | typeof plain, string | null][] = [
    ["gzip, deflate, br", both, "br"],
    ["BR", both, "br"],
    ["gzip", both, "gzip"],
    ["*", both, "gzip"],
    ["br", gzipOnly, null],
    ["br, gzip", gzipOnly, "gzip"],
    ["br, gzip", plain, null],
    [undefined, both, null],
    ["", both, null],
  ];
  for (const [accept, file, want] of cases) assert.equal(pickEncoding(accept, file), want, accept);
});

Deno.test("pickEncoding: a coding with q=0 is refused", () => {
  assert.equal(pickEncoding("br;q=0, gzip", both), "gzip");
  assert.equal(pickEncoding("br;q=0, gzip;q=0", both), null);
  assert.equal(pickEncoding("br;q=0.001", both), "br");
  assert.equal(pickEncoding("br;q=abc, gzip", both), "gzip");
});
