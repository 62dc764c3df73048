/**
 * Chat messages inside the encrypted channel's frames: UTF-8 JSON, a discriminated union on
 * `type`, with one strict parser that refuses anything else (a peer's bytes are never trusted).
 * Not the signaling wire format (that is `wire.ts`, between browser and server).
 * @module
 */
import { MessageError } from "./errors.ts";

/** Longest text message, in UTF-16 code units (its frame stays far below 64 KiB). */
export const MAX_TEXT_LENGTH = 4000;

/** A chat text. `id` lets the peer acknowledge it. */
export interface TextMessage {
  type: "text";
  /** Sender-chosen id: 1–64 characters of [A-Za-z0-9_-]. */
  id: string;
  /** The text: 1..MAX_TEXT_LENGTH well-formed UTF-16 code units. */
  text: string;
  /** Sender's clock, milliseconds since the epoch. */
  sentAt: number;
}

/** "I got your message `id`" (drives the delivery state). */
export interface ReceiptMessage {
  type: "receipt";
  id: string;
}

/** "I am leaving" (the peer closes its side). */
export interface ByeMessage {
  type: "bye";
}

/** Every application message. */
export type ChatMessage = TextMessage | ReceiptMessage | ByeMessage;

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_TIME = 8.64e15;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function fail(why: string): never {
  throw new MessageError(`Cannot read message: ${why}`);
}

function exactKeys(value: Record<string, unknown>, keys: string[]): void {
  const have = Object.keys(value);
  if (have.length !== keys.length || !keys.every((k) => Object.hasOwn(value, k))) {
    fail(`want exactly the fields ${keys.join(", ")}`);
  }
}

function check(value: unknown): ChatMessage {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail("not an object");
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case "text": {
      exactKeys(m, ["type", "id", "text", "sentAt"]);
      if (typeof m.id !== "string" || !ID.test(m.id)) fail("bad id");
      if (typeof m.text !== "string" || m.text.length === 0 || m.text.length > MAX_TEXT_LENGTH) {
        fail(`text must be 1 to ${MAX_TEXT_LENGTH} characters`);
      }
      if (!m.text.isWellFormed()) fail("text is not well-formed Unicode");
      if (
        !Number.isSafeInteger(m.sentAt) || (m.sentAt as number) < 0 ||
        (m.sentAt as number) > MAX_TIME
      ) {
        fail("bad sentAt");
      }
      return { type: "text", id: m.id, text: m.text, sentAt: m.sentAt as number };
    }
    case "receipt":
      exactKeys(m, ["type", "id"]);
      if (typeof m.id !== "string" || !ID.test(m.id)) fail("bad id");
      return { type: "receipt", id: m.id };
    case "bye":
      exactKeys(m, ["type"]);
      return { type: "bye" };
    default:
      return fail("unknown type");
  }
}

/**
 * Encodes a message as UTF-8 JSON after checking it.
 *
 * @throws {MessageError} If the message would not parse on the other side.
 *
 * @example
 * ```ts
 * const bytes = encodeChatMessage({ type: "text", id: "m1", text: "hello", sentAt: Date.now() });
 * ```
 */
export function encodeChatMessage(message: ChatMessage): Uint8Array {
  return encoder.encode(JSON.stringify(check(message)));
}

/**
 * Parses a decrypted frame's plaintext into a message, refusing anything unexpected.
 *
 * @param bytes The plaintext.
 * @returns The message, with only its known fields.
 * @throws {MessageError} On invalid UTF-8, invalid JSON, an unknown type, or a bad field.
 *
 * @example
 * ```ts
 * parseChatMessage(new TextEncoder().encode('{"type":"bye"}')); // { type: "bye" }
 * ```
 */
export function parseChatMessage(bytes: Uint8Array): ChatMessage {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    fail("not UTF-8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail("not JSON");
  }
  return check(value);
}
