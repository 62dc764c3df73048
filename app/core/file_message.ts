/**
 * Control messages of the file sub-channel (docs/CRYPTO.md section 7a): UTF-8 JSON inside sealed
 * control frames, a union on `type`, with one strict parser that refuses anything else.
 *
 * A transfer is an `offer` (name, size, type, root of the file's SHA-256 hash tree, chunk size),
 * answered by `accept` or `decline`; then chunks, `ack`s of what the receiver has written, and
 * `done` once the receiver checked the root. Either side may `cancel`. Each new connection starts with a
 * `sync` from each side, which is how an interrupted transfer resumes from the receiver's last
 * acknowledged chunk.
 * @module
 */
import * as v from "valibot";
import { MessageError } from "./errors.ts";
import { CHUNK_OVERHEAD, MAX_FILE_FRAME_LENGTH } from "./file_frame.ts";

/** Longest file name, in UTF-16 code units. */
export const MAX_FILE_NAME_LENGTH = 255;
/** Most transfers one `sync` may list per direction. */
export const MAX_SYNC_ENTRIES = 256;
/** Smallest chunk size a sender may choose. */
export const MIN_CHUNK_SIZE = 1024;
/** Largest chunk size: a 256 KiB frame less its header and tag. */
export const MAX_CHUNK_SIZE = MAX_FILE_FRAME_LENGTH - CHUNK_OVERHEAD;

/** Why a receiver declined. */
export type DeclineReason = "declined" | "too-large" | "unavailable";
/** Why a transfer was cancelled. */
export type CancelReason = "cancelled" | "failed" | "hash-mismatch" | "refused" | "no-space";

/** Every control message. */
export type FileMessage =
  | {
    type: "offer";
    /** 32 hex characters (16 random bytes). */
    id: string;
    name: string;
    size: number;
    mime: string;
    /** Root of the file's SHA-256 hash tree (file_tree.ts), 64 hex characters. */
    root: string;
    chunkSize: number;
  }
  | { type: "accept"; id: string }
  | { type: "decline"; id: string; reason: DeclineReason }
  | { type: "cancel"; id: string; reason: CancelReason }
  /** The receiver has written chunks 0..next-1. */
  | { type: "ack"; id: string; next: number }
  /** The receiver checked the whole file's hash: the transfer is complete. */
  | { type: "done"; id: string }
  | {
    type: "sync";
    /** Our unfinished outgoing transfers to this peer. */
    sending: string[];
    /** Our unfinished incoming ones: the next chunk we need, or null while undecided. */
    receiving: { id: string; next: number | null }[];
  };

const Id = v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/));
const Count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const Schema = v.variant("type", [
  v.strictObject({
    type: v.literal("offer"),
    id: Id,
    name: v.pipe(
      v.string(),
      v.minLength(1),
      v.maxLength(MAX_FILE_NAME_LENGTH),
      v.check((s) => s.isWellFormed()),
    ),
    size: Count,
    mime: v.pipe(v.string(), v.maxLength(127), v.regex(/^[\x21-\x7e]*$/)),
    root: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
    chunkSize: v.pipe(Count, v.minValue(MIN_CHUNK_SIZE), v.maxValue(MAX_CHUNK_SIZE)),
  }),
  v.strictObject({ type: v.literal("accept"), id: Id }),
  v.strictObject({
    type: v.literal("decline"),
    id: Id,
    reason: v.picklist(["declined", "too-large", "unavailable"]),
  }),
  v.strictObject({
    type: v.literal("cancel"),
    id: Id,
    reason: v.picklist(["cancelled", "failed", "hash-mismatch", "refused", "no-space"]),
  }),
  v.strictObject({ type: v.literal("ack"), id: Id, next: Count }),
  v.strictObject({ type: v.literal("done"), id: Id }),
  v.strictObject({
    type: v.literal("sync"),
    sending: v.pipe(v.array(Id), v.maxLength(MAX_SYNC_ENTRIES)),
    receiving: v.pipe(
      v.array(v.strictObject({ id: Id, next: v.nullable(Count) })),
      v.maxLength(MAX_SYNC_ENTRIES),
    ),
  }),
]);

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Encodes a control message after checking it.
 *
 * @throws {MessageError} If the message would not parse on the other side.
 *
 * @example
 * ```ts
 * import { encodeFileMessage } from "./file_message.ts";
 * encodeFileMessage({ type: "accept", id: "0".repeat(32) });
 * ```
 */
export function encodeFileMessage(message: FileMessage): Uint8Array {
  return encoder.encode(JSON.stringify(check(message)));
}

/**
 * Parses a decrypted control frame, refusing anything that is not exactly a known message.
 *
 * @param bytes The plaintext.
 * @returns The message.
 * @throws {MessageError} On invalid UTF-8 or JSON, an unknown type, a missing, extra or bad field.
 *
 * @example
 * ```ts
 * import { parseFileMessage } from "./file_message.ts";
 * parseFileMessage(new TextEncoder().encode(`{"type":"done","id":"${"a".repeat(32)}"}`));
 * ```
 */
export function parseFileMessage(bytes: Uint8Array): FileMessage {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    throw new MessageError("Cannot read file message: not UTF-8 JSON");
  }
  return check(value);
}

function check(value: unknown): FileMessage {
  const result = v.safeParse(Schema, value);
  if (!result.success) {
    const issue = result.issues[0];
    const where = v.getDotPath(issue) ?? "message";
    throw new MessageError(`Cannot read file message: bad ${where}`);
  }
  return result.output as FileMessage;
}
