/**
 * Room links: `/room/<id>` on this site, with an optional `#members=` fragment carrying a
 * members-only room's list (fragments never reach the server).
 * @module
 */
import type { Hex } from "viem";
import { type MemberList, membersFragment } from "./members.ts";

const ROOM_ID = /0x[0-9a-fA-F]{64}/;

/**
 * The shareable link of a room.
 *
 * @param origin The site's origin, e.g. `location.origin`.
 * @param roomId The room id.
 * @param members The member list to carry in the fragment, if any.
 * @returns The absolute URL.
 *
 * @example
 * ```ts
 * import { roomLink } from "./links.ts";
 * roomLink("https://mesh3.example", `0x${"ab".repeat(32)}`); // "https://mesh3.example/room/0xabab…"
 * ```
 */
export function roomLink(origin: string, roomId: Hex, members?: MemberList | null): string {
  const base = `${origin}/room/${roomId.toLowerCase()}`;
  return members ? `${base}#members=${membersFragment(members)}` : base;
}

/**
 * Reads what someone pasted into "join a room": a bare room id or any link containing one.
 *
 * @param text The pasted text.
 * @returns The room id and the fragment to keep (e.g. `#members=...`), or null.
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
