/**
 * A room in the JSON form island props need (docs/ISLANDS.md: no bigint), and the two
 * conversions, so that pages and islands apply the same rules (`roomStatus`) as the server and
 * the engine, on the same `RoomInfo`.
 * @module
 */
import type { Hex } from "viem";
import type { RoomInfo } from "../chain/room.ts";

/**
 * A room as read from the chain by the server, in JSON-safe form.
 *
 * @example
 * ```ts
 * import type { RoomInfoProps } from "./room_props.ts";
 * const room: RoomInfoProps = {
 *   roomId: `0x${"11".repeat(32)}`,
 *   creator: `0x${"22".repeat(20)}`,
 *   membersRoot: `0x${"00".repeat(32)}`,
 *   expiresAt: "1798761600",
 *   closed: false,
 *   membersOnly: false,
 * };
 * ```
 */
export interface RoomInfoProps {
  /** The on-chain room id (32 bytes). */
  roomId: Hex;
  /** Address that created the room. */
  creator: Hex;
  /** Merkle root of allowed members; zero for an open room. */
  membersRoot: Hex;
  /** Expiry as unix seconds in a decimal string (uint64 on-chain); "0" means never. */
  expiresAt: string;
  /** True once the creator closed the room. */
  closed: boolean;
  /** True when only listed members may join (membersRoot is not zero). */
  membersOnly: boolean;
}

/**
 * The JSON form of a room.
 *
 * @example
 * ```ts
 * import { roomToProps } from "./room_props.ts";
 * const props = roomToProps({
 *   roomId: `0x${"11".repeat(32)}`, creator: `0x${"22".repeat(20)}`,
 *   membersRoot: `0x${"00".repeat(32)}`, expiresAt: 5n, closed: false, membersOnly: false,
 * });
 * props.expiresAt; // "5"
 * ```
 */
export function roomToProps(room: RoomInfo): RoomInfoProps {
  return { ...room, expiresAt: room.expiresAt.toString() };
}

/**
 * The room back from its JSON form.
 *
 * @example
 * ```ts
 * import { roomFromProps, roomToProps } from "./room_props.ts";
 * const room = {
 *   roomId: `0x${"11".repeat(32)}`, creator: `0x${"22".repeat(20)}`,
 *   membersRoot: `0x${"00".repeat(32)}`, expiresAt: 5n, closed: false, membersOnly: false,
 * } as const;
 * roomFromProps(roomToProps(room)).expiresAt; // 5n
 * ```
 */
export function roomFromProps(props: RoomInfoProps): RoomInfo {
  return { ...props, expiresAt: BigInt(props.expiresAt) };
}
