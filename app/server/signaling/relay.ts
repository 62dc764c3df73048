/**
 * The relay-path check of the handshake (DESIGN.md step 5): an offer or answer is relayed only
 * when the commitment recomputed from its public key and its SDP's DTLS fingerprint equals the
 * sender's current on-chain commitment in that room (the view catches up with the chain before
 * every check), and the room is open.
 * @module
 */
import type { Address, Hex } from "viem";
import { commitmentMatches, computeCommitment } from "../../core/commitment.ts";
import { fingerprintFromSdp, SdpFingerprintError } from "../../core/sdp.ts";
import { decodeBase64Url, type ErrorCode } from "../../core/wire.ts";
import { ChainUnavailableError, ChainView, ReadBudgetError } from "../chain_view.ts";
import type { Requester } from "../read_budget.ts";
import type { CommitmentMemo } from "./commitment_memo.ts";

/** Why a description is not relayed; `strike` when the refusal counts against the socket
 * (it made the server ask the chain for nothing: no room, no or wrong commitment, over budget). */
export class RelayRefusal extends Error {
  override name = "RelayRefusal";
  constructor(readonly code: ErrorCode, message: string, readonly strike = false) {
    super(message);
  }
}

/**
 * Checks an offer or answer against the chain. Waits for at most one round trip.
 *
 * @param deps The chain view, chain id and registry, and optionally a memo of recomputed
 *   commitments (the comparison with the chain is made every time).
 * @param d The room, sender and description, and who the chain reads are for (their budget).
 * @throws {RelayRefusal} With code `bad-sdp`, `room-not-found`, `room-closed`, `room-expired`,
 *   `no-commitment`, `commitment-mismatch`, `chain-unavailable` or `rate-limited`.
 *
 * @example
 * ```ts
 * await checkDescription({ view, chainId, registry }, { roomId, from, publicKey, sdp });
 * ```
 */
export async function checkDescription(
  deps: { view: ChainView; chainId: number; registry: Hex; memo?: CommitmentMemo },
  d: { roomId: Hex; from: Address; publicKey: string; sdp: string; requester?: Requester },
): Promise<void> {
  let full: Hex;
  try {
    full = deps.memo ? deps.memo.commitment(d.roomId, d.publicKey, d.sdp) : computeCommitment({
      chainId: deps.chainId,
      registry: deps.registry,
      roomId: d.roomId,
      publicKey: decodeBase64Url(d.publicKey),
      fingerprint: fingerprintFromSdp(d.sdp),
    });
  } catch (e) {
    if (e instanceof SdpFingerprintError || e instanceof TypeError) {
      throw new RelayRefusal("bad-sdp", `Cannot relay: ${e.message}`);
    }
    throw e;
  }
  let room, commitment;
  try {
    // The view catches up with the chain first (one poll shared by all checks waiting): an
    // offer with keys the sender has just replaced must not pass before the next timed poll.
    await deps.view.fresh();
    ({ room, commitment } = await deps.view.roomAndCommitment(d.roomId, d.from, d.requester));
  } catch (e) {
    if (e instanceof ChainUnavailableError) {
      throw new RelayRefusal(
        "chain-unavailable",
        "Cannot relay: the chain cannot be reached; nothing is relayed until it is back",
      );
    }
    if (e instanceof ReadBudgetError) throw new RelayRefusal("rate-limited", e.message, true);
    throw e;
  }
  if (!room) throw new RelayRefusal("room-not-found", "Cannot relay: no such room on-chain", true);
  const status = deps.view.statusOf(room);
  if (status === "closed") {
    throw new RelayRefusal("room-closed", "Cannot relay: the room was closed");
  }
  if (status === "expired") {
    throw new RelayRefusal("room-expired", "Cannot relay: the room has expired");
  }
  if (!commitment) {
    throw new RelayRefusal(
      "no-commitment",
      "Cannot relay: you have no key commitment in this room; publish it first",
      true,
    );
  }
  if (!commitmentMatches(full, commitment)) {
    throw new RelayRefusal(
      "commitment-mismatch",
      "Cannot relay: these keys are not the ones you committed on-chain for this room",
      true,
    );
  }
}
