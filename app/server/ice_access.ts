/**
 * Who may have ICE servers (`GET /api/ice?room=<roomId>`): TURN credentials let their holder
 * relay traffic through the operator's TURN server, so they go only to an address that has a
 * socket in the room on this server, on any of its instances (a join needs a key commitment, join_check.ts) while the room
 * is live and the commitment is still there on chain, at most `perMinute` times a minute per
 * address (issue 10, item 9).
 * @module
 */
import type { Address, Hex } from "viem";
import { ChainUnavailableError } from "../chain/errors.ts";
import { checkMember, type CommitmentReader, OfferRefusedError } from "../chain/offer_check.ts";
import { ROOM_REFUSAL_SENTENCES } from "../chain/room.ts";
import { ReadBudgetError, type Requester } from "./read_budget.ts";
import { KeyedRateLimiter } from "./token_bucket.ts";

/** Why ICE servers are refused: HTTP status, wire-style code and one sentence. */
export interface IceRefusal {
  status: 400 | 403 | 429 | 503;
  code: string;
  error: string;
}

/** What {@linkcode iceAccess} needs. */
export interface IceAccessDeps {
  /** Whether `address` (lower case) has a socket in the room on this server (on any instance of
   * a cluster: a promise then, as the balancer may send this request to another instance than
   * the socket's). */
  inRoom(roomId: Hex, address: string): boolean | Promise<boolean>;
  /** The chain, read on the address's and the IP's budgets. */
  reader(requester: Requester): CommitmentReader;
  /** Requests per minute per address (also the burst). */
  perMinute: number;
}

const ROOM_ID = /^0x[0-9a-f]{64}$/;

/**
 * Makes the check `/api/ice` runs before it hands out servers.
 *
 * @returns A function giving null when `address` may have ICE servers for `room`, else why not.
 *
 * @example
 * ```ts
 * const may = iceAccess({
 *   inRoom: () => false,
 *   reader: () => ({ room: async () => null, commitment: async () => null, nowSeconds: () => 0 }),
 *   perMinute: 30,
 * });
 * const alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
 * (await may(alice, `0x${"ab".repeat(32)}`, "127.0.0.1"))?.code;
 * // "not-in-room"
 * ```
 */
export function iceAccess(
  deps: IceAccessDeps,
): (address: Address, room: string | undefined, ip: string) => Promise<IceRefusal | null> {
  const perAddress = new KeyedRateLimiter({
    ratePerSecond: deps.perMinute / 60,
    burst: deps.perMinute,
    maxKeys: 100_000,
  });
  return async (address, room, ip) => {
    const roomId = room?.toLowerCase();
    if (!roomId || !ROOM_ID.test(roomId)) {
      return refusal(400, "bad-request", "Cannot give ICE servers: name the room (?room=0x…)");
    }
    const key = address.toLowerCase();
    if (!perAddress.take(key)) {
      return refusal(429, "rate-limited", "Cannot give ICE servers: too many requests; wait");
    }
    if (!(await deps.inRoom(roomId as Hex, key))) {
      return refusal(
        403,
        "not-in-room",
        "Cannot give ICE servers: join the room (with your key commitment) first",
      );
    }
    try {
      await checkMember(deps.reader({ key, ip }), roomId as Hex, address);
      return null;
    } catch (e) {
      if (e instanceof OfferRefusedError) {
        const why = e.reason === "no-commitment"
          ? "you hold no key commitment in this room"
          : ROOM_REFUSAL_SENTENCES[e.reason as keyof typeof ROOM_REFUSAL_SENTENCES];
        return refusal(403, e.reason, `Cannot give ICE servers: ${why}`);
      }
      if (e instanceof ReadBudgetError) return refusal(429, "rate-limited", e.message);
      if (e instanceof ChainUnavailableError) {
        return refusal(503, "chain-unavailable", "Cannot give ICE servers: the chain is down");
      }
      throw e;
    }
  };
}

function refusal(status: IceRefusal["status"], code: string, error: string): IceRefusal {
  return { status, code, error };
}
