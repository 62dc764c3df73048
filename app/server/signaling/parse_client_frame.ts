/**
 * How the server reads a client frame: once as JSON, then the fast path
 * (`fast_client_message.ts`) for the frames it can accept at once, and the core's schemas
 * (`checkClientMessage` in app/core/wire.ts) for everything else. The result is the core's
 * `parseClientMessage` result, byte for byte (parse_client_frame_test.ts).
 * @module
 */
import {
  checkClientMessage,
  type ClientMessage,
  type ParseResult,
  readJsonObject,
} from "../../core/wire.ts";
import { fastClientMessage, type ParseMemo } from "./fast_client_message.ts";

export type { ParseMemo };

/**
 * Parses one frame from a browser on the server. Never throws.
 *
 * @param text The frame's text.
 * @param memo The connection's last validated `to` and `roomId` (optional; a fresh `{}` per
 *   socket): the result is the same with or without it.
 * @returns The typed message, or an error code with a short reason, exactly as
 *   `parseClientMessage` (app/core/wire.ts) gives them.
 *
 * @example
 * ```ts
 * const memo = {};
 * const r = parseClientFrame('{"v":1,"type":"ping","ref":"a"}', memo);
 * if (r.ok) console.log(r.message.type); // "ping"
 * ```
 */
export function parseClientFrame(text: string, memo?: ParseMemo): ParseResult<ClientMessage> {
  const read = readJsonObject(text);
  if (!read.ok) return read;
  // Accept-only: when unsure it returns undefined and the schemas decide.
  const message = fastClientMessage(read.message, memo);
  return message === undefined ? checkClientMessage(read.message) : { ok: true, message };
}
