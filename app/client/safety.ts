/**
 * Adapter to the core's safety number. Until app/core publishes one, a stand-in: SHA-256 over
 * the canonical transcript (both sides build the same bytes) shown as 4 groups of 5 digits.
 * @module
 */
import type { Hex } from "viem";
import { buildTranscript, type Party } from "../core/transcript.ts";

/**
 * The short code both people compare.
 *
 * @param roomId The room.
 * @param self Our party record.
 * @param peer The peer's party record.
 * @returns For example "01234 56789 01234 56789" (the same on both sides).
 */
export async function computeSafetyNumber(roomId: Hex, self: Party, peer: Party): Promise<string> {
  const t = buildTranscript(self, peer).bytes;
  const room = Uint8Array.from(roomId.slice(2).match(/../g)!, (h) => parseInt(h, 16));
  const input = new Uint8Array(room.length + t.length);
  input.set(room);
  input.set(t, room.length);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", input));
  const groups: string[] = [];
  for (let i = 0; i < 4; i++) {
    const n = ((digest[i * 3] << 16) | (digest[i * 3 + 1] << 8) | digest[i * 3 + 2]) % 100000;
    groups.push(String(n).padStart(5, "0"));
  }
  return groups.join(" ");
}
