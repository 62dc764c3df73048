/**
 * Room links without member lists: reads a room id out of pasted text, makes a room's URL.
 * Depends on nothing, so pages load without the member-list (Merkle tree) code that links with a
 * member list need (`links.ts`).
 * @module
 */
import type { Hex } from "viem";

const ROOM_ID = /0x[0-9a-fA-F]{64}/;

/**
 * Reads what someone pasted into "join a room": a bare room id or any link containing one.
 *
 * @param text The pasted text.
 * @returns The room id and the fragment to keep (e.g. `#members=...`), or null.
 *
 * @example
 * ```ts
 * import { parseRoomInput } from "./room_input.ts";
 * parseRoomInput(`see https://mesh3.example/room/0x${"ab".repeat(32)}`)?.hash; // ""
 * ```
 */
export function parseRoomInput(text: string): { roomId: Hex; hash: string } | null {
  const trimmed = text.trim();
  const m = ROOM_ID.exec(trimmed);
  if (!m) return null;
  const hashAt = trimmed.indexOf("#", m.index);
  const hash = hashAt >= 0 ? trimmed.slice(hashAt) : "";
  return {
    roomId: m[0].toLowerCase() as Hex,
    hash: /^#members=[0-9a-fA-F.]+$/.test(hash) ? hash : "",
  };
}

/**
 * The URL of a room on this site, with an already encoded `#members=` fragment if given.
 *
 * @example
 * ```ts
 * import { roomUrl } from "./room_input.ts";
 * roomUrl("https://mesh3.example", `0x${"AB".repeat(32)}`); // "https://mesh3.example/room/0xabab…"
 * ```
 */
export function roomUrl(origin: string, roomId: Hex, membersFragment?: string): string {
  const base = `${origin}/room/${roomId.toLowerCase()}`;
  return membersFragment ? `${base}#members=${membersFragment}` : base;
}
