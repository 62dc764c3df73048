import assert from "node:assert/strict";
import { MessageError } from "./errors.ts";
import {
  type ChatMessage,
  encodeChatMessage,
  MAX_TEXT_LENGTH,
  parseChatMessage,
} from "./message.ts";

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const roster = `0x${"cd".repeat(32)}` as const;
const hash = `0x${"ef".repeat(32)}` as const;
const author = `0x${"a1".repeat(20)}` as const;
const text = { type: "text", id: "m-1_a", text: "héllo 👋", sentAt: 1764000000000, roster };
const receipt = { type: "receipt", author, id: "m-1_a", roster, hash };

Deno.test("encodeChatMessage and parseChatMessage", async (t) => {
  await t.step("behavior: every message type round-trips", () => {
    const messages: ChatMessage[] = [
      text as ChatMessage,
      { type: "text", id: "x", text: "a".repeat(MAX_TEXT_LENGTH), sentAt: 0, roster },
      receipt as ChatMessage,
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
      json({ type: "text", id: "m", text: "x", sentAt: 1 }),
      json({ ...text, roster: undefined }),
      json({ ...text, roster: roster.toUpperCase() }),
      json({ ...text, roster: roster.slice(0, 64) }),
      json({ ...text, roster: roster.slice(2) + "00" }),
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
      json({ type: "receipt", id: "m-1_a" }),
      json({ ...receipt, author: "0x" + "A1".repeat(20) }),
      json({ ...receipt, author: "0x" + "a1".repeat(19) }),
      json({ ...receipt, id: "" }),
      json({ ...receipt, roster: 1 }),
      json({ ...receipt, hash: hash.slice(0, 40) }),
      json({ ...receipt, hash: undefined }),
      json({ ...receipt, extra: true }),
      json({ type: "bye", id: "m" }),
      new TextEncoder().encode('{"type":"bye","__proto__":{"x":1}}'),
    ];
    for (const [i, b] of bad.entries()) {
      assert.throws(() => parseChatMessage(b), MessageError, `case ${i}`);
    }
  });
  await t.step("error: encoding refuses what the peer would refuse", () => {
    assert.throws(() => encodeChatMessage({ type: "text", id: "m", text: "", sentAt: 1, roster }), {
      name: "MessageError",
      message: `Cannot read message: text must be 1 to ${MAX_TEXT_LENGTH} characters`,
    });
  });
});
