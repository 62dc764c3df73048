/**
 * Whether a signed-in address may join a room: the room must exist and be open (the one mapping
 * from room status to refusal, `roomRefusal` in app/chain/room.ts, which the offer check uses
 * too), and the address must hold a key commitment there, in open rooms too (issue 10, items 2
 * and 3: a socket counts toward the room's cap, is shown to the others and can be sent offers only
 * once it has committed, so unfunded addresses cannot fill a room, and nobody who has not
 * committed learns members' network addresses). Fails closed when the chain cannot be read.
 * Refusals that cost a chain read for nothing (no such room, no commitment, the read budget
 * spent) are strikes against the socket.
 * @module
 */
import type { Address, Hex } from "viem";
import { ChainUnavailableError } from "../../chain/errors.ts";
import type { CommitmentReader } from "../../chain/offer_check.ts";
import { ROOM_REFUSAL_SENTENCES, type RoomRefusal, roomRefusal } from "../../chain/room.ts";
import { ReadBudgetError } from "../read_budget.ts";

/** Why a join is refused: the wire code, one sentence, and whether it counts as a strike. */
export interface JoinRefusal {
  code: RoomRefusal | "not-member" | "no-commitment" | "chain-unavailable" | "rate-limited";
  message: string;
  /** The refusal cost a chain read for nothing (or the budget for reads is spent). */
  strike: boolean;
}

/**
 * Checks a join against the chain: the room, then the member's commitment; when
 * no commitment is found, once more after `fresh()` (a commitment mined a moment ago may not have
 * reached the view yet).
 *
 * @param reader Where rooms and commitments come from (the server's chain view, bound to the
 *   joining socket's read budget: `view.reader(peer)`).
 * @param roomId The room id (lower-case hex).
 * @param address The signed-in address.
 * @param fresh Catches the view up with the chain (the server's `view.fresh()`); default none.
 * @returns Null when the address may join, else the refusal.
 *
 * @example
 * ```ts
 * const reader = {
 *   room: () => Promise.resolve(null),
 *   commitment: () => Promise.resolve(null),
 *   nowSeconds: () => 0,
 * };
 * const refusal = await checkJoin(reader, `0x${"ab".repeat(32)}`, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
 * console.log(refusal?.code, refusal?.strike); // "room-not-found" true
 * ```
 */
export async function checkJoin(
  reader: CommitmentReader,
  roomId: Hex,
  address: Address,
  fresh?: () => Promise<void>,
): Promise<JoinRefusal | null> {
  try {
    const room = await reader.room(roomId);
    const refusal = roomRefusal(room, reader.nowSeconds());
    if (refusal) {
      return {
        code: refusal,
        message: `Cannot join: ${ROOM_REFUSAL_SENTENCES[refusal]}`,
        // A made-up room id cost a read; a closed or expired room is a real room.
        strike: refusal === "room-not-found",
      };
    }
    let committed = await reader.commitment(roomId, address);
    if (!committed && fresh) {
      await fresh();
      committed = await reader.commitment(roomId, address);
    }
    if (committed) return null;
    // Not null once roomRefusal found nothing to refuse.
    return room?.membersOnly
      ? {
        code: "not-member",
        message: "Cannot join: members-only room and no key commitment from you",
        strike: true,
      }
      : {
        code: "no-commitment",
        message: "Cannot join: no key commitment from you in this room; publish yours first",
        strike: true,
      };
  } catch (e) {
    if (e instanceof ChainUnavailableError) {
      return {
        code: "chain-unavailable",
        message: "Cannot join: the chain cannot be reached; try again",
        strike: false,
      };
    }
    if (e instanceof ReadBudgetError) {
      return { code: "rate-limited", message: e.message, strike: true };
    }
    throw e;
  }
}
