/**
 * Room links: `/room/<id>` on this site, with an optional `#members=` fragment carrying a
 * members-only room's list (fragments never reach the server).
 * @module
 */
import type { Hex } from "viem";
import { type MemberList, membersFragment } from "./members.ts";
import { roomUrl } from "./room_input.ts";

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
  return roomUrl(origin, roomId, members ? membersFragment(members) : undefined);
}

// Kept in a file of their own so pages read and make plain links without the member list code.
export { parseRoomInput, roomUrl } from "./room_input.ts";
