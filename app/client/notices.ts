/**
 * Notices: what the engine tells the person in one sentence (a refusal, a warning), and the
 * notices for the signaling server's error codes (docs/PROTOCOL.md). The server's own message
 * text is not shown: it is not trusted, and the codes say enough.
 * @module
 */
import { roomRefusalSentence } from "../chain/room.ts";
import type { ErrorCode } from "../core/wire.ts";

/** Something to tell the person about (a refusal, a warning), in one sentence. */
export interface Notice {
  /** What it is about (a server error code or a link problem kind). */
  kind: string;
  tone: "error" | "warning" | "info";
  message: string;
}

const NOTICES: Partial<Record<ErrorCode, Omit<Notice, "kind">>> = {
  "commitment-mismatch": {
    tone: "error",
    message: "The server refused a description: its keys do not match the on-chain commitment.",
  },
  "chain-unavailable": {
    tone: "warning",
    message: "The chain is unreachable: the server relays nothing until it can check keys again.",
  },
  "state-unavailable": {
    tone: "warning",
    message: "The server cannot reach its other instances: it relays nothing until they are back.",
  },
  "not-member": { tone: "error", message: "You are not a member of this room." },
  "room-not-found": { tone: "error", message: "The server does not know this room." },
  "room-closed": { tone: "error", message: roomRefusalSentence("room-closed") },
  "room-expired": { tone: "error", message: roomRefusalSentence("room-expired") },
  "room-full": { tone: "warning", message: "This room is full." },
  "no-commitment": {
    tone: "error",
    message: "The server sees no key commitment from you in this room yet.",
  },
  "unauthorized": {
    tone: "warning",
    message: "Your sign-in ended. Reload the page to sign in again.",
  },
  "replaced": {
    tone: "warning",
    message: "This room was opened with your address in another tab or window.",
  },
  "rate-limited": { tone: "warning", message: "Slow down: the server is dropping messages." },
};

/**
 * The notice for a server error code.
 *
 * @param code The code from an `error` frame.
 * @returns The notice, or null when the code needs none.
 *
 * @example
 * ```ts
 * import { serverNotice } from "./notices.ts";
 * serverNotice("room-full")?.message; // "This room is full."
 * ```
 */
export function serverNotice(code: ErrorCode): Notice | null {
  const n = NOTICES[code];
  return n ? { kind: code, ...n } : null;
}
