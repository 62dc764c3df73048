/**
 * The application messages inside encrypted frames: a chat text, or the acknowledgement that
 * one arrived (for the "delivered" mark). JSON, parsed strictly: the peer is not trusted either.
 * @module
 */

/** Longest chat text accepted, in characters. */
export const MAX_TEXT_LENGTH = 16_000;

/** One application message. */
export type ChatMessage =
  | { t: "text"; id: string; text: string; at: number }
  | { t: "ack"; id: string };

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });
const ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Encodes a message for sealing.
 *
 * @param message The message.
 * @returns UTF-8 JSON bytes.
 *
 * @example
 * ```ts
 * const bytes = encodeChatMessage({ t: "ack", id: "m1" });
 * ```
 */
export function encodeChatMessage(message: ChatMessage): Uint8Array {
  return encoder.encode(JSON.stringify(message));
}

/**
 * Decodes an opened frame's plaintext; refuses anything but exactly a known message.
 *
 * @param bytes The plaintext.
 * @returns The message, or null when it is not a valid one.
 */
export function decodeChatMessage(bytes: Uint8Array): ChatMessage | null {
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(bytes));
  } catch {
    return null;
  }
  if (typeof raw !== "object" || raw === null) return null;
  const m = raw as Record<string, unknown>;
  const keys = Object.keys(m).sort().join(",");
  if (typeof m.id !== "string" || !ID.test(m.id)) return null;
  if (m.t === "ack" && keys === "id,t") return { t: "ack", id: m.id };
  if (
    m.t === "text" && keys === "at,id,t,text" && typeof m.text === "string" &&
    m.text.length > 0 && m.text.length <= MAX_TEXT_LENGTH && Number.isSafeInteger(m.at)
  ) {
    return { t: "text", id: m.id, text: m.text, at: m.at as number };
  }
  return null;
}
