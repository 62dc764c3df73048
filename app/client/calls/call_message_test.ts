import assert from "node:assert/strict";
import {
  CallMessageError,
  encodeCallMessage,
  MAX_CALL_MESSAGE_LENGTH,
  newCallId,
  parseCallMessage,
} from "./call_message.ts";

const call = "0123456789abcdef0123";
const text = (s: string) => new TextEncoder().encode(s);

Deno.test("parseCallMessage: every message type round-trips", () => {
  for (
    const m of [
      { type: "ring", call, video: true },
      { type: "join", call, video: false },
      { type: "decline", call, reason: "busy" },
      { type: "leave", call },
      { type: "state", call, mic: false, camera: true, screen: false },
    ] as const
  ) {
    assert.deepEqual(parseCallMessage(encodeCallMessage(m)), m);
  }
});

Deno.test("newCallId: 20 hex characters, fresh each time", () => {
  const a = newCallId();
  assert.match(a, /^[0-9a-f]{20}$/);
  assert.notEqual(a, newCallId());
});

Deno.test("parseCallMessage: error: anything that is not exactly one message is refused", () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ["not JSON", text("ring"), /not UTF-8 JSON/],
    ["not UTF-8", Uint8Array.of(0xff, 0xfe), /not UTF-8 JSON/],
    ["an array", text("[]"), /not an object/],
    ["null", text("null"), /not an object/],
    ["unknown type", text(`{"type":"offer","call":"${call}"}`), /unknown type/],
    ["inherited type name", text(`{"type":"toString","call":"${call}"}`), /unknown type/],
    ["extra field", text(`{"type":"leave","call":"${call}","sdp":"x"}`), /unexpected field "sdp"/],
    ["bad call id", text(`{"type":"leave","call":"ABC"}`), /bad call id/],
    ["missing call id", text(`{"type":"leave"}`), /bad call id/],
    ["video not boolean", text(`{"type":"ring","call":"${call}","video":1}`), /video must be/],
    [
      "state field missing",
      text(`{"type":"state","call":"${call}","mic":true,"camera":true}`),
      /screen must be/,
    ],
    [
      "unknown decline reason",
      text(`{"type":"decline","call":"${call}","reason":"bored"}`),
      /unknown decline reason/,
    ],
    ["too long", new Uint8Array(MAX_CALL_MESSAGE_LENGTH + 1).fill(32), /too long/],
  ];
  for (const [name, bytes, message] of cases) {
    assert.throws(() => parseCallMessage(bytes), (e: Error) => {
      assert.ok(e instanceof CallMessageError, name);
      assert.match(e.message, /^Cannot read call message: /, name);
      assert.match(e.message, message, name);
      return true;
    });
  }
});
