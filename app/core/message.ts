/**
 * Chat messages inside the encrypted channel's frames: UTF-8 JSON, a discriminated union on
 * `type`, with one strict parser that refuses anything else (a peer's bytes are never trusted).
 * Not the signaling wire format (that is `wire.ts`, between browser and server).
 * @module
 */
import type { Address, Hex } from "viem";
import { MessageError } from "./errors.ts";

/** Longest text message, in UTF-16 code units (its frame stays far below 64 KiB). */
export const MAX_TEXT_LENGTH = 4000;

/** A chat text. `id` lets the peer acknowledge it; `roster` says whom the sender sent it to. */
export interface TextMessage {
  type: "text";
  /** Sender-chosen id: 1–64 characters of [A-Za-z0-9_-]. */
  id: string;
  /** The text: 1..MAX_TEXT_LENGTH well-formed UTF-16 code units. */
  text: string;
  /** Sender's clock, milliseconds since the epoch. */
  sentAt: number;
  /** The sender's roster hash (group.ts): lower-case 0x hex of 32 bytes. */
  roster: Hex;
}

/**
 * "I got `author`'s message `id`, and it hashed to `hash`" (group.ts). Sent to the author (it
 * drives the delivery state) and echoed to every other peer, who compare it with their own copy.
 */
export interface ReceiptMessage {
  type: "receipt";
  /** The message's sender, lower case. */
  author: Address;
  id: string;
  /** The roster hash the message named. */
  roster: Hex;
  /** Its message hash as the receipt's sender computed it. */
  hash: Hex;
}

/** "I am leaving" (the peer closes its side). */
export interface ByeMessage {
  type: "bye";
}

/** Every application message. */
export type ChatMessage = TextMessage | ReceiptMessage | ByeMessage;

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const HASH = /^0x[0-9a-f]{64}$/;
const ADDRESS = /^0x[0-9a-f]{40}$/;
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
      exactKeys(m, ["type", "id", "text", "sentAt", "roster"]);
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
      if (typeof m.roster !== "string" || !HASH.test(m.roster)) fail("bad roster hash");
      return {
        type: "text",
        id: m.id,
        text: m.text,
        sentAt: m.sentAt as number,
        roster: m.roster as Hex,
      };
    }
    case "receipt":
      exactKeys(m, ["type", "author", "id", "roster", "hash"]);
      if (typeof m.author !== "string" || !ADDRESS.test(m.author)) fail("bad author");
      if (typeof m.id !== "string" || !ID.test(m.id)) fail("bad id");
      if (typeof m.roster !== "string" || !HASH.test(m.roster)) fail("bad roster hash");
      if (typeof m.hash !== "string" || !HASH.test(m.hash)) fail("bad message hash");
      return {
        type: "receipt",
        author: m.author as Address,
        id: m.id,
        roster: m.roster as Hex,
        hash: m.hash as Hex,
      };
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
 * const roster = `0x${"cd".repeat(32)}` as const; // group.ts rosterHash
 * const bytes = encodeChatMessage({ type: "text", id: "m1", text: "hello", sentAt: 1, roster });
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
