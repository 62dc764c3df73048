import assert from "node:assert/strict";
import { MessageError } from "./errors.ts";
import {
  type ChatMessage,
  encodeChatMessage,
  MAX_TEXT_LENGTH,
  parseChatMessage,
} from "./message.ts";

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const text = { type: "text", id: "m-1_a", text: "héllo 👋", sentAt: 1764000000000 };

Deno.test("encodeChatMessage and parseChatMessage", async (t) => {
  await t.step("behavior: every message type round-trips", () => {
    const messages: ChatMessage[] = [
      text as ChatMessage,
      { type: "text", id: "x", text: "a".repeat(MAX_TEXT_LENGTH), sentAt: 0 },
      { type: "receipt", id: "m-1_a" },
      { type: "bye" },
    ];
    for (const m of messages) assert.deepEqual(parseChatMessage(encodeChatMessage(m)), m);
  });
  await t.step("error: every malformed plaintext is refused with MessageError", () => {
    const bad: Uint8Array[] = [
      new Uint8Array(0),
      Uint8Array.of(0xff, 0xfe),
      new TextEncoder().encode("{"),
      json(null),
      json([text]),
      json("text"),
      json(42),
      json({ ...text, type: "html" }),
      json({ ...text, extra: 1 }),
      json({ type: "text", id: "m", text: "x" }),
      json({ ...text, id: "" }),
      json({ ...text, id: "has space" }),
      json({ ...text, id: "x".repeat(65) }),
      json({ ...text, id: 7 }),
      json({ ...text, text: "" }),
      json({ ...text, text: "a".repeat(MAX_TEXT_LENGTH + 1) }),
      json({ ...text, text: 5 }),
      new TextEncoder().encode('{"type":"text","id":"m","text":"\\ud800","sentAt":1}'),
      json({ ...text, sentAt: -1 }),
      json({ ...text, sentAt: 1.5 }),
      json({ ...text, sentAt: "1" }),
      json({ ...text, sentAt: 9e15 }),
      json({ type: "receipt" }),
      json({ type: "receipt", id: "m", text: "x" }),
      json({ type: "bye", id: "m" }),
      new TextEncoder().encode('{"type":"bye","__proto__":{"x":1}}'),
    ];
    for (const [i, b] of bad.entries()) {
      assert.throws(() => parseChatMessage(b), MessageError, `case ${i}`);
    }
  });
  await t.step("error: encoding refuses what the peer would refuse", () => {
    assert.throws(() => encodeChatMessage({ type: "text", id: "m", text: "", sentAt: 1 }), {
      name: "MessageError",
      message: `Cannot read message: text must be 1 to ${MAX_TEXT_LENGTH} characters`,
    });
  });
});
