/**
 * Step 1 of joining a room: read it on chain (through the wallet: the browser trusts the chain,
 * not the server), refuse a room that cannot be used, and for a members-only room check the
 * member list the person holds against the room's root and make the Merkle proof the contract
 * asks for.
 * @module
 */
import type { Address, Hex } from "viem";
import type { CommitmentReader } from "../chain/offer_check.ts";
import { type RoomInfo, roomRefusal, roomRefusalSentence } from "../chain/room.ts";
import { type MemberList, memberProof } from "./members.ts";

/** Why a room cannot be joined. */
export type RoomCheckRefusal =
  | "room-not-found"
  | "room-closed"
  | "room-expired"
  | "no-member-list"
  | "wrong-member-list"
  | "not-member";

const SENTENCES: Record<RoomCheckRefusal, string> = {
  "room-not-found": roomRefusalSentence("room-not-found"),
  "room-closed": roomRefusalSentence("room-closed"),
  "room-expired": roomRefusalSentence("room-expired"),
  "no-member-list":
    "This room is for members only. Load the member list its creator shared to join.",
  "wrong-member-list": "This member list does not belong to this room.",
  "not-member": "You are not a member of this room: your address is not on its member list.",
};

/** Thrown when the room cannot be joined; the message is one sentence for people. */
export class RoomCheckError extends Error {
  override name = "RoomCheckError";
  /** @param reason Why. */
  constructor(readonly reason: RoomCheckRefusal) {
    super(SENTENCES[reason]);
  }
}

/**
 * Reads the room and makes the membership proof.
 *
 * @param reader Where the room is read.
 * @param roomId The room.
 * @param member The joining address.
 * @param members The member list the person loaded (members-only rooms), or null.
 * @returns The room and the Merkle proof (empty for an open room).
 * @throws {RoomCheckError} When the room cannot be joined.
 * @throws {ChainUnavailableError} When the chain cannot be read.
 *
 * @example
 * ```ts ignore
 * const { proof } = await checkRoom(registryReader(client, registry), roomId, address, null);
 * ```
 */
export async function checkRoom(
  reader: CommitmentReader,
  roomId: Hex,
  member: Address,
  members: MemberList | null,
): Promise<{ room: RoomInfo; proof: Hex[] }> {
  const room = await reader.room(roomId);
  const refusal = roomRefusal(room, reader.nowSeconds());
  if (refusal || !room) throw new RoomCheckError(refusal ?? "room-not-found");
  if (!room.membersOnly) return { room, proof: [] };
  if (!members) throw new RoomCheckError("no-member-list");
  if (members.root.toLowerCase() !== room.membersRoot.toLowerCase()) {
    throw new RoomCheckError("wrong-member-list");
  }
  try {
    return { room, proof: memberProof(members, member) };
  } catch {
    throw new RoomCheckError("not-member");
  }
}
