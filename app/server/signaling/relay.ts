/**
 * The relay-path check of the handshake (DESIGN.md step 5): the server runs the one offer check
 * (`app/chain/offer_check.ts`) against its event-fed chain view before it relays an offer or an
 * answer, and turns a refusal into a wire error code.
 * @module
 */
import type { Address, Hex } from "viem";
import { ChainUnavailableError } from "../../chain/errors.ts";
import { checkOffer, OfferRefusedError } from "../../chain/offer_check.ts";
import type { ErrorCode } from "../../core/wire.ts";
import type { ChainView } from "../chain_view.ts";
import type { CommitmentMemo } from "./commitment_memo.ts";

/** Why a description is not relayed: the wire code and one sentence. */
export class RelayRefusal extends Error {
  override name = "RelayRefusal";
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
  }
}

/**
 * Checks an offer or answer against the chain. Waits for at most one round trip.
 *
 * @param deps The chain view, chain id and registry, and a memo of the pure part of the check
 *   (the comparison with the chain is made every time).
 * @param d The room, sender and description.
 * @throws {RelayRefusal} With code `bad-sdp` (also for a bad key), `room-not-found`,
 *   `room-closed`, `room-expired`, `no-commitment`, `commitment-mismatch` or `chain-unavailable`.
 *
 * @example
 * ```ts ignore
 * await checkDescription({ view, chainId, registry, memo }, { roomId, from, publicKey, sdp });
 * ```
 */
export async function checkDescription(
  deps: { view: ChainView; chainId: number; registry: Address; memo: CommitmentMemo },
  d: { roomId: Hex; from: Address; publicKey: string; sdp: string },
): Promise<void> {
  try {
    const ctx = {
      chainId: deps.chainId,
      registry: deps.registry,
      roomId: d.roomId,
      member: d.from,
    };
    await checkOffer(deps.view, ctx, d, deps.memo.describe(d.roomId, d.publicKey, d.sdp));
  } catch (e) {
    if (e instanceof OfferRefusedError) {
      // The wire has one code for both unreadable parts of a description (docs/PROTOCOL.md).
      const code = e.reason === "bad-key" ? "bad-sdp" : e.reason;
      throw new RelayRefusal(code, `Cannot relay: ${e.detail}`);
    }
    if (e instanceof ChainUnavailableError) {
      throw new RelayRefusal(
        "chain-unavailable",
        "Cannot relay: the chain cannot be reached; nothing is relayed until it is back",
      );
    }
    throw e;
  }
}
