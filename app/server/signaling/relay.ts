/**
 * Relaying offers, answers and ICE candidates between two members of a room. Before an offer or
 * an answer goes on, the server runs the one offer check of the handshake (DESIGN.md step 5,
 * `app/chain/offer_check.ts`) against its event-fed chain view, which first catches up with the
 * chain (one on-demand poll shared by every check waiting), and turns a refusal into a wire error
 * code; refusals that cost a chain read for nothing are strikes. A renegotiation on a pair whose
 * description was relayed already, carrying exactly the keys checked then, is compared with the
 * view as it stands, without waiting for a poll (issue 13: accept → first frame). ICE goes only
 * where the sender's description went.
 * @module
 */
import type { Address, Hex } from "viem";
import { BoundedMap } from "../bounded_map.ts";
import { ChainUnavailableError } from "../../chain/errors.ts";
import {
  checkOffer,
  type CommitmentReader,
  type OfferRefusal,
  OfferRefusedError,
} from "../../chain/offer_check.ts";
import { type ClientMessage, encodeRelayedIce, type ErrorCode } from "../../core/wire.ts";
import { ReadBudgetError, type Requester } from "../read_budget.ts";
import type { CommitmentMemo } from "./commitment_memo.ts";
import { strike } from "./frame_intake.ts";
import type { Peer } from "./peer.ts";
import type { RoomState, RoomView } from "./rooms.ts";

type Relayed = Extract<ClientMessage, { type: "offer" | "answer" | "ice" }>;
type Described = Extract<ClientMessage, { type: "offer" | "answer" }>;
type Ice = Extract<ClientMessage, { type: "ice" }>;

/** Where the relay check reads the chain: a poll that catches up with it, and a reader bound to
 * the sender's read budget (the server's `ChainView` fits). */
export interface RelayView {
  /** Resolves once a poll that started after the call has succeeded. */
  fresh(): Promise<void>;
  /** Rooms and commitments, each read paid from `requester`'s budget. */
  reader(requester?: Requester): CommitmentReader;
}

/** What the offer check needs: where commitments are read, the chain and registry, and a memo
 * of the check's pure part. */
export interface CheckDeps {
  view: RelayView;
  chainId: number;
  registry: Address;
  memo: CommitmentMemo;
}

/** Refusals that made the server ask the chain for nothing: they count against the socket. */
const COSTLY: ReadonlySet<OfferRefusal> = new Set<OfferRefusal>([
  "room-not-found",
  "no-commitment",
  "commitment-mismatch",
]);

/** Why a description is not relayed: the wire code, one sentence, and `strike` when the refusal
 * counts against the socket (no room, no or wrong commitment, read budget spent). */
export class RelayRefusal extends Error {
  override name = "RelayRefusal";
  constructor(readonly code: ErrorCode, message: string, readonly strike = false) {
    super(message);
  }
}

/** Pairs whose last relayed description's commitment is remembered (the oldest go first). */
const MAX_VERIFIED_PAIRS = 16_384;

/**
 * Checks an offer or answer against the chain: the pure part first (memoised), then, once the
 * view has caught up with the chain (an on-demand poll shared by every check waiting), the room
 * and the sender's commitment, in parallel: one round trip at most after the poll. A description
 * whose keys stand for `verified` (the commitment checked for this pair's last relayed one: a
 * renegotiation or an ICE restart) skips the wait: it is compared with the view as it stands,
 * at most one timed poll (`MESH3_CHAIN_POLL_MS`) behind the chain (docs/PROTOCOL.md section 6).
 *
 * @param deps The chain view, chain id and registry, and a memo of the pure part of the check
 *   (the comparison with the chain is made every time).
 * @param d The room, sender and description, and who the chain reads are for (their budget).
 * @param verified The full commitment checked for this pair's last relayed description, if any.
 * @returns The full commitment the description's keys stand for (now checked).
 * @throws {RelayRefusal} With code `bad-sdp` (also for a bad key), `room-not-found`,
 *   `room-closed`, `room-expired`, `no-commitment`, `commitment-mismatch`, `chain-unavailable`
 *   or `rate-limited`.
 *
 * @example
 * ```ts ignore
 * // Needs the server's chain view on a chain.
 * await checkDescription(
 *   { view, chainId, registry, memo },
 *   { roomId, from, publicKey, kemKey, sdp, requester: peer },
 * );
 * ```
 */
export async function checkDescription(
  deps: CheckDeps,
  d: {
    roomId: Hex;
    from: Address;
    publicKey: string;
    kemKey: string;
    sdp: string;
    requester?: Requester;
  },
  verified?: Hex,
): Promise<Hex> {
  try {
    const ctx = {
      chainId: deps.chainId,
      registry: deps.registry,
      roomId: d.roomId,
      member: d.from,
    };
    const described = deps.memo.describe(ctx, d);
    // The view catches up with the chain first: an offer with keys the sender has just replaced
    // must not pass before the next timed poll. Keys this pair's last description was checked
    // with need not wait: the peer has them verified already and reads the chain itself too.
    if (described.commitment !== verified) await deps.view.fresh();
    await checkOffer(deps.view.reader(d.requester), ctx, d, described);
    return described.commitment;
  } catch (e) {
    if (e instanceof OfferRefusedError) {
      // The wire has one code for both unreadable parts of a description (docs/PROTOCOL.md).
      const code = e.reason === "bad-key" || e.reason === "bad-kem-key" ? "bad-sdp" : e.reason;
      throw new RelayRefusal(code, `Cannot relay: ${e.detail}`, COSTLY.has(e.reason));
    }
    if (e instanceof ChainUnavailableError) {
      throw new RelayRefusal(
        "chain-unavailable",
        "Cannot relay: the chain cannot be reached; nothing is relayed until it is back",
      );
    }
    if (e instanceof ReadBudgetError) throw new RelayRefusal("rate-limited", e.message, true);
    throw e;
  }
}

/**
 * Routes relayed frames through the room state: the sender and the target must be members of
 * the room; an answer needs the target's offer first, ICE the sender's own description.
 *
 * @example
 * ```ts ignore
 * const relay = new Relay(rooms, { view, chainId, registry, memo }, { maxStrikes: 20 });
 * relay.ice(peer, message); // relayed, or an error to the sender
 * await relay.description(peer, offer); // checked against the chain first
 * ```
 */
export class Relay {
  #rooms: RoomState<Peer>;
  #check: CheckDeps;
  #maxStrikes: number;
  /** `roomId from to` → the commitment checked for the last description relayed on the pair. */
  #verified = new BoundedMap<string, Hex>({ maxSize: MAX_VERIFIED_PAIRS });

  constructor(rooms: RoomState<Peer>, check: CheckDeps, o: { maxStrikes: number }) {
    this.#rooms = rooms;
    this.#check = check;
    this.#maxStrikes = o.maxStrikes;
  }

  /** Relays an ICE candidate (no chain involved: the hot path). */
  ice(peer: Peer, m: Ice): void {
    const room = this.#rooms.room(m.roomId);
    const target = room?.member(m.to);
    // The common case checked inline (no allocation); anything else is refused by #route.
    if (
      room === undefined || target === undefined || room.member(peer.key) !== peer ||
      m.to === peer.key
    ) {
      return void this.#route(peer, m);
    }
    if (!room.hasDescribed(peer.key, m.to)) {
      return relayError(
        peer,
        m,
        "no-offer",
        "Cannot send ICE: your offer or answer to that peer was not relayed yet",
      );
    }
    target.sendText(encodeRelayedIce(peer.icePrefix(m.roomId), m.candidate));
  }

  /** Relays an offer or an answer once the offer check passed. */
  async description(peer: Peer, m: Described): Promise<void> {
    const route = this.#route(peer, m);
    if (route === null) return;
    const { room, target } = route;
    const { roomId, to } = m;
    if (m.type === "answer" && !room.hasDescribed(to, peer.key)) {
      return relayError(peer, m, "no-offer", "Cannot send answer: that peer sent you no offer");
    }
    // Known only while the pair's earlier description stands (leaving forgets the pair).
    const pair = `${roomId} ${peer.key} ${to}`;
    const verified = room.hasDescribed(peer.key, to) ? this.#verified.get(pair) : undefined;
    let commitment: Hex;
    try {
      commitment = await checkDescription(this.#check, {
        roomId,
        from: peer.address,
        publicKey: m.publicKey,
        kemKey: m.kemKey,
        sdp: m.sdp,
        requester: peer,
      }, verified);
    } catch (e) {
      if (!(e instanceof RelayRefusal)) throw e;
      if (e.strike) return void strike(peer, this.#maxStrikes, e.code, e.message, at(m));
      return relayError(peer, m, e.code, e.message);
    }
    // The room may have changed while the chain was asked.
    if (peer.closed || room.member(peer.key) !== peer || room.member(to) !== target) {
      return relayError(peer, m, "peer-not-found", `Cannot send ${m.type}: the peer left`);
    }
    this.#rooms.describe(roomId, peer.key, to);
    this.#verified.set(pair, commitment);
    target.send({
      v: 1,
      type: m.type,
      from: peer.address,
      roomId,
      publicKey: m.publicKey,
      kemKey: m.kemKey,
      sdp: m.sdp,
    });
  }

  /** Where a relayed frame goes: the target, or null after sending the sender an error. */
  #route(peer: Peer, m: Relayed): { room: RoomView<Peer>; target: Peer } | null {
    const room = this.#rooms.room(m.roomId);
    if (!room || room.member(peer.key) !== peer) {
      relayError(peer, m, "not-in-room", `Cannot send ${m.type}: join the room first`);
      return null;
    }
    // `to` is lower case once parsed: the form of member keys.
    const target = room.member(m.to);
    if (!target || m.to === peer.key) {
      relayError(
        peer,
        m,
        "peer-not-found",
        `Cannot send ${m.type}: that address is not in the room`,
      );
      return null;
    }
    return { room, target };
  }
}

/** An error about a relayed frame: carries its `ref` (when given) and `roomId`. */
function relayError(peer: Peer, m: Relayed, code: ErrorCode, message: string): void {
  peer.error(code, message, at(m));
}

/** The `ref` (when given) and `roomId` an error about a relayed frame carries. */
function at(m: Relayed): { ref?: string; roomId: Hex } {
  return m.ref === undefined ? { roomId: m.roomId } : { ref: m.ref, roomId: m.roomId };
}
