/**
 * The shapes of the identifiers every layer handles: room ids (32 bytes, the registry's
 * `keccak256(abi.encode(creator, salt))`) and addresses (20 bytes). One source for the patterns
 * the wire parser, the commitment, the links and the routes check.
 *
 * @example
 * ```ts
 * import { isRoomId, ROOM_ID_PATTERN } from "./ids.ts";
 * isRoomId("0x" + "ab".repeat(32)); // true
 * ROOM_ID_PATTERN.test("0x12"); // false
 * ```
 * @module
 */
import type { Hex } from "viem";

/** A room id in running text: 32 bytes of 0x hex, either case (not anchored). */
export const ROOM_ID_IN_TEXT = /0x[0-9a-fA-F]{64}/;
/** A room id: 32 bytes of 0x hex, either case (normalised to lower case where it is kept). */
export const ROOM_ID_PATTERN = new RegExp(`^${ROOM_ID_IN_TEXT.source}$`);
/** An address: 20 bytes of 0x hex, either case (no checksum required). */
export const ADDRESS_PATTERN = /^0x[0-9a-fA-F]{40}$/;

/**
 * Whether a value is a room id (32 bytes of 0x hex, either case).
 *
 * @example
 * ```ts
 * import { isRoomId } from "./ids.ts";
 * isRoomId("0x" + "00".repeat(32)); // true
 * isRoomId("room-1"); // false
 * ```
 */
export function isRoomId(value: unknown): value is Hex {
  return typeof value === "string" && ROOM_ID_PATTERN.test(value);
}
