import assert from "node:assert/strict";
import { decodeChatMessage, encodeChatMessage, MAX_TEXT_LENGTH } from "./chat_message.ts";

Deno.test("decodeChatMessage: round-trips text and ack messages", () => {
  const text = { t: "text", id: "m-1", text: "hello\nworld", at: 1700000000000 } as const;
  assert.deepEqual(decodeChatMessage(encodeChatMessage(text)), text);
  assert.deepEqual(decodeChatMessage(encodeChatMessage({ t: "ack", id: "m-1" })), {
    t: "ack",
    id: "m-1",
  });
});

Deno.test("decodeChatMessage: refuses anything that is not exactly a message", () => {
  const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  const cases: [string, Uint8Array][] = [
    ["not JSON", new TextEncoder().encode("{")],
    ["invalid UTF-8", Uint8Array.of(0xff, 0xfe)],
    ["array", enc([1])],
    ["unknown type", enc({ t: "file", id: "a" })],
    ["extra field", enc({ t: "ack", id: "a", x: 1 })],
    ["bad id", enc({ t: "ack", id: "a b" })],
    ["empty text", enc({ t: "text", id: "a", text: "", at: 1 })],
    ["text too long", enc({ t: "text", id: "a", text: "x".repeat(MAX_TEXT_LENGTH + 1), at: 1 })],
    ["time not integer", enc({ t: "text", id: "a", text: "x", at: 1.5 })],
  ];
  for (const [name, bytes] of cases) assert.equal(decodeChatMessage(bytes), null, name);
});
