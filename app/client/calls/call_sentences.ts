/**
 * The sentences a call shows about other people: why someone is not in it, and why a call could
 * not be joined. One place, so the engine and its tests say the same thing.
 * @module
 */
import { shortAddress } from "../../shared/short_address.ts";
import type { DeclineReason } from "./call_message.ts";
import type { CallPeer } from "./call_types.ts";

/** A peer's decline, as the end of a sentence about them ("0x12…34 declined the call"). */
export const DECLINED: Record<DeclineReason, string> = {
  declined: "declined the call",
  busy: "is in another call",
  full: "could not join: the call is full",
};

/**
 * Why this browser cannot join a full call, and what to do.
 *
 * @param video True for a video call.
 * @param limits The most people per call (this browser included).
 *
 * @example
 * ```ts
 * import { fullSentence } from "./call_sentences.ts";
 * fullSentence(false, { audio: 8, video: 4 });
 * // "Cannot join the call: it already has 8 people, the most an audio call … Ask someone to leave."
 * ```
 */
export function fullSentence(
  video: boolean,
  limits: { audio: number; video: number },
): string {
  const limit = video ? limits.video : limits.audio;
  const start = `Cannot join the call: it already has ${limit} people, the most ${
    video ? "a video" : "an audio"
  } call between browsers carries well here.`;
  // Only a video call can be made lighter: an audio call has nothing left to turn off.
  return video && limits.audio > limit
    ? `${start} Ask someone to leave, or start an audio call instead (up to ${limits.audio} people).`
    : `${start} Ask someone to leave.`;
}

/**
 * Why a call ended when everyone else is gone: the one peer's reason when there was one peer
 * with a note, else that no one is left.
 *
 * @example
 * ```ts ignore
 * endedSentence([{ ...peer, note: "declined the call" }]); // "Call ended: 0x12…34 declined the call."
 * ```
 */
export function endedSentence(peers: readonly CallPeer[]): string {
  const note = peers.find((p) => p.note)?.note;
  return note && peers.length === 1
    ? `Call ended: ${shortAddress(peers[0].address)} ${note}.`
    : "Call ended: no one else is in it.";
}
