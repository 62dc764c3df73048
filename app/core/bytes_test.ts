import assert from "node:assert/strict";
import {
  bytesToHex,
  compareBytes,
  concatBytes,
  decodeBase64Url,
  encodeBase64,
  encodeBase64Url,
  equalBytes,
  fixedHex,
  u32,
} from "./bytes.ts";

Deno.test("base64url: encode/decode round trip at every length up to 70", () => {
  for (let n = 0; n < 70; n++) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
    assert.deepEqual(decodeBase64Url(encodeBase64Url(bytes)), bytes);
    assert.doesNotMatch(encodeBase64Url(bytes), /[+/=]/);
  }
});

Deno.test("base64url: refuses other characters and impossible lengths with TypeError", () => {
  for (const bad of ["a+b", "a/b", "ab c", "a", "abcde", "a=b"]) {
    assert.throws(() => decodeBase64Url(bad), TypeError, bad);
  }
});

Deno.test("base64: standard alphabet with padding, large inputs do not overflow the stack", () => {
  assert.equal(encodeBase64(new Uint8Array([255, 254])), "//4=");
  const big = new Uint8Array(1 << 20).fill(0xfb);
  assert.equal(encodeBase64(big).length, Math.ceil(big.length / 3) * 4);
});

Deno.test("equalBytes: equal only for the same length and content", () => {
  assert.ok(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2])));
  assert.ok(!equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3])));
  assert.ok(!equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0])));
  assert.ok(equalBytes(new Uint8Array(), new Uint8Array()));
});

Deno.test("compareBytes, concatBytes, u32, fixedHex", () => {
  assert.ok(compareBytes(new Uint8Array([1]), new Uint8Array([2])) < 0);
  assert.ok(compareBytes(new Uint8Array([1, 0]), new Uint8Array([1])) > 0);
  assert.equal(compareBytes(new Uint8Array([7]), new Uint8Array([7])), 0);
  assert.deepEqual(
    concatBytes(new Uint8Array([1]), new Uint8Array([2, 3])),
    new Uint8Array([1, 2, 3]),
  );
  assert.deepEqual(u32(0x01020304), new Uint8Array([1, 2, 3, 4]));
  assert.deepEqual(fixedHex("0x00ff", 2, "tag"), new Uint8Array([0, 255]));
  assert.throws(() => fixedHex("0x00ff", 3, "tag"), TypeError, "Cannot read tag");
  assert.throws(() => fixedHex("00ff" as `0x${string}`, 2, "tag"), TypeError);
  assert.equal(bytesToHex(new Uint8Array([0, 171])), "0x00ab");
});
