import assert from "node:assert/strict";
import { MessageError } from "./errors.ts";
import { encodeFileMessage, type FileMessage, parseFileMessage } from "./file_message.ts";

const ID = "0123456789abcdef0123456789abcdef";
const bytes = (s: string) => new TextEncoder().encode(s);
const offer = {
  type: "offer",
  id: ID,
  name: "photo.png",
  size: 1048576,
  mime: "image/png",
  root: "ab".repeat(32),
  chunkSize: 261120,
};

Deno.test("file messages", async (t) => {
  await t.step("behavior: every message survives encode and parse", () => {
    const all: FileMessage[] = [
      offer as FileMessage,
      { type: "accept", id: ID },
      { type: "decline", id: ID, reason: "too-large" },
      { type: "cancel", id: ID, reason: "hash-mismatch" },
      { type: "cancel", id: ID, reason: "no-space" },
      { type: "ack", id: ID, next: 17 },
      { type: "done", id: ID },
      { type: "sync", sending: [ID], receiving: [{ id: ID, next: 4 }, { id: ID, next: null }] },
    ];
    for (const m of all) assert.deepEqual(parseFileMessage(encodeFileMessage(m)), m);
  });

  await t.step("behavior: a hostile file name is kept as text", () => {
    const name = '<img src=x onerror="alert(1)">.svg';
    const m = parseFileMessage(encodeFileMessage({ ...offer, name } as FileMessage));
    assert.equal(m.type === "offer" && m.name, name);
  });

  await t.step("error: anything else is refused with MessageError", () => {
    const bad: unknown[] = [
      "not json",
      [],
      { type: "offer" },
      { ...offer, extra: 1 },
      { ...offer, id: "XYZ" },
      { ...offer, name: "" },
      { ...offer, name: "x".repeat(256) },
      { ...offer, name: "\ud800" },
      { ...offer, size: -1 },
      { ...offer, size: 1.5 },
      { ...offer, size: 2 ** 53 },
      { ...offer, mime: "text/html; charset=utf-8" },
      { ...offer, root: "ab" },
      { ...offer, root: "AB".repeat(32) },
      { ...offer, root: undefined, sha256: "ab".repeat(32) }, // the old whole-file hash field
      { ...offer, chunkSize: 10 },
      { ...offer, chunkSize: 300000 },
      { type: "ack", id: ID, next: -1 },
      { type: "decline", id: ID, reason: "because" },
      { type: "cancel", id: ID, reason: "full" },
      { type: "sync", sending: Array(257).fill(ID), receiving: [] },
      { type: "nope", id: ID },
      { type: "__proto__", id: ID },
    ];
    for (const value of bad) {
      const raw = typeof value === "string" ? bytes(value) : bytes(JSON.stringify(value));
      assert.throws(() => parseFileMessage(raw), MessageError, JSON.stringify(value));
    }
    assert.throws(() => parseFileMessage(new Uint8Array([0xff, 0xfe])), MessageError);
  });
});
