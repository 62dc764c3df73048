/**
 * The signaling hub: takes frames from signed-in sockets, keeps rooms and presence, and hands
 * offers, answers and ICE candidates to the relay. Who may connect is `admission.ts`, the room
 * state `rooms.ts`, the join rule `join_check.ts`, the relay and its chain check `relay.ts`, one
 * socket `peer.ts`. All state is in RAM and bounded: sockets by `maxSockets`, rooms by sockets ×
 * `maxRoomsPerSocket`, members by `maxPeersPerRoom`, queued frames by the rate-limit burst.
 * @module
 */
import type { Address, Hex } from "viem";
import {
  type ClientMessage,
  type ErrorCode,
  isWireIceConfig,
  type WireIceConfig,
} from "../../core/wire.ts";
import type { ChainView } from "../chain_view.ts";
import type { Limits } from "../config/mod.ts";
import { type ConnectionCaps, MemoryAdmission } from "./admission.ts";
import { CommitmentMemo } from "./commitment_memo.ts";
import { checkJoin } from "./join_check.ts";
import { strike, takeFrame } from "./frame_intake.ts";
import { CLOSE, type Conn, Peer } from "./peer.ts";
import { Relay } from "./relay.ts";
import { StateUnavailableError } from "../state/shared_state.ts";
import { MemoryRooms, type RoomState, type RoomStats, type RoomView } from "./rooms.ts";

const PONG = { v: 1, type: "pong" } as const;
type Immediate = Extract<ClientMessage, { type: "ice" | "ping" | "leave" }>;

/** Sizes of the hub's state, from {@linkcode SignalingHub.stats}: the room state's and these. */
export interface HubStats extends RoomStats {
  /** Open sockets. */
  sockets: number;
  /** Sockets the server closed whose connection has not ended yet (still counted in the caps). */
  ending: number;
  /** Frames accepted and not yet handled, over all sockets. */
  pending: number;
  /** Entries in the per-IP and per-address socket counters. */
  ips: number;
  addresses: number;
}

/** What the hub needs. */
export interface HubDeps {
  limits: Limits;
  view: ChainView;
  chainId: number;
  registry: Hex;
  /** Whether the session is still live (logout and expiry end sockets). */
  sessionLive(id: string): boolean;
  /** Where the caps are counted (default: in this process). */
  caps?: ConnectionCaps;
  /** Where rooms are kept (default: in this process). */
  rooms?: RoomState<Peer>;
  /** The ICE servers for a member who joined a room (what `GET /api/ice` gives), sent in its
   * `joined`; a failure sends `joined` without them (the browser then asks `/api/ice`). */
  ice?: (address: Address) => Promise<WireIceConfig>;
}

/**
 * Rooms, presence and relaying.
 *
 * @example
 * ```ts ignore
 * const hub = new SignalingHub({ limits, view, chainId, registry, sessionLive });
 * const refusal = hub.admit(ip, address); // null or "Cannot connect: too many sockets..."
 * const peer = hub.open(socket, { address, sessionId, ip });
 * socket.onopen = () => hub.greet(peer);
 * socket.onmessage = (e) => hub.receive(peer, e.data);
 * socket.onclose = () => hub.detach(peer);
 * ```
 */
export class SignalingHub {
  #peers = new Set<Peer>();
  #d: HubDeps;
  #caps: ConnectionCaps;
  #rooms: RoomState<Peer>;
  #relay: Relay;

  constructor(deps: HubDeps) {
    this.#d = deps;
    const { view, chainId, registry, limits } = deps;
    this.#caps = deps.caps ?? new MemoryAdmission(limits);
    this.#rooms = deps.rooms ?? new MemoryRooms();
    const memo = new CommitmentMemo({ chainId, registry });
    this.#relay = new Relay(this.#rooms, { view, chainId, registry, memo }, limits);
    view.onRoomClosed((roomId) => this.#roomClosed(roomId));
    this.#rooms.onRemotePresence?.((roomId, address, state, tell) => {
      for (const o of tell) o.send({ v: 1, type: "presence", roomId, address, state });
    });
  }

  /** Live sockets: in rooms, handling frames. */
  get peers(): ReadonlySet<Peer> {
    return this.#peers;
  }

  /** Why a new socket from `ip` for `address` is refused, or null when it may open (a promise
   * when the caps are shared between instances; call {@linkcode open} in the turn it settles). */
  admit(ip: string, address: Address): string | null | Promise<string | null> {
    return this.#caps.refusal(ip, address.toLowerCase());
  }

  /** Registers a socket being upgraded (call after {@linkcode admit}); counts it at once. */
  open(conn: Conn, o: { address: Address; sessionId: string; ip: string }): Peer {
    const l = this.#d.limits;
    const peer: Peer = new Peer(conn, {
      ...o,
      maxSendBufferBytes: l.maxSendBufferBytes,
      ratePerSecond: l.ratePerSecond,
      rateBurst: l.rateBurst,
      onEnd: () => this.#leaveAll(peer),
    });
    this.#peers.add(peer);
    this.#caps.count(peer);
    peer.startJoinTimer(l.joinTimeoutMs);
    return peer;
  }

  /**
   * Sizes of every map the hub keeps: all zero once every socket has gone.
   *
   * @example
   * ```ts ignore
   * hub.stats(); // { sockets: 0, ending: 0, rooms: 0, members: 0, pairs: 0, pending: 0, ips: 0, addresses: 0 }
   * ```
   */
  stats(): HubStats {
    let pending = 0;
    for (const p of this.#peers) pending += p.pending;
    const caps = this.#caps.stats();
    return {
      sockets: this.#peers.size,
      ending: caps.counted - this.#peers.size,
      ...this.#rooms.stats(),
      pending,
      ips: caps.ips,
      addresses: caps.addresses,
    };
  }

  /** The room as it is now (for tests and diagnostics), or undefined when nobody is in it. */
  room(roomId: Hex): RoomView<Peer> | undefined {
    return this.#rooms.room(roomId);
  }

  /**
   * Whether `key` (an address in lower case) has a socket in the room: on this instance, or on
   * another one of the cluster (asked of the shared state then: a promise).
   *
   * @example
   * ```ts ignore
   * if (await hub.inRoom(roomId, address.toLowerCase())) giveIceServers();
   * ```
   */
  inRoom(roomId: Hex, key: string): boolean | Promise<boolean> {
    if (this.#rooms.room(roomId)?.member(key) !== undefined) return true;
    return this.#rooms.hasMember?.(roomId, key) ?? false;
  }

  /** Sends `welcome` (address and limits); call once the socket is open. */
  greet(peer: Peer): void {
    const l = this.#d.limits;
    peer.send({
      v: 1,
      type: "welcome",
      address: peer.address,
      limits: {
        maxFrameBytes: l.maxFrameBytes,
        ratePerSecond: l.ratePerSecond,
        rateBurst: l.rateBurst,
        maxRoomsPerSocket: l.maxRoomsPerSocket,
        maxPeersPerRoom: l.maxPeersPerRoom,
      },
    });
  }

  /** Handles one frame: size, rate and session checks, parse (frame_intake.ts), then in order
   * per peer. */
  receive(peer: Peer, data: unknown): void {
    if (peer.closed) return;
    const m = takeFrame(peer, data, this.#d);
    if (m === undefined) return;
    if (peer.pending === 0 && (m.type === "ice" || m.type === "ping" || m.type === "leave")) {
      // Nothing of this peer's is queued or running, and these need no chain: handle it now,
      // in the same order, without a promise per frame (ICE is nearly all of the traffic).
      try {
        return this.#handleNow(peer, m);
      } catch (e) {
        return internal(peer, e);
      }
    }
    peer.enqueue(() => this.#handle(peer, m), (e) => internal(peer, e));
  }

  /** Forgets a socket whose connection ended: leaves its rooms (presence "left") and frees its
   * place in the caps. */
  detach(peer: Peer): void {
    peer.end();
    this.#caps.release(peer);
  }

  /** Closes every socket of a session (logout). */
  endSession(sessionId: string): void {
    for (const p of this.#peers) {
      if (p.sessionId === sessionId) {
        p.error("unauthorized", "Cannot continue: signed out");
        p.close(CLOSE.policy, "session ended");
      }
    }
  }

  /** Closes every socket (shutdown). */
  closeAll(): void {
    for (const p of this.#peers) p.close(CLOSE.goingAway, "server shutting down");
  }

  /** Takes an ended socket out of its rooms at once (closed by either side); it stays counted
   * in the caps until {@linkcode detach}. */
  #leaveAll(peer: Peer): void {
    if (!this.#peers.delete(peer)) return;
    for (const roomId of [...peer.rooms]) this.#leave(peer, roomId);
  }

  async #handle(peer: Peer, m: ClientMessage): Promise<void> {
    switch (m.type) {
      case "join":
        if (peer.closed) return;
        return await this.#join(peer, m.roomId, m.ref === undefined ? {} : { ref: m.ref });
      case "offer":
      case "answer":
        if (peer.closed) return;
        return await this.#relay.description(peer, m);
      default:
        return this.#handleNow(peer, m);
    }
  }

  /** The frames that need no chain: ping, leave and ICE. */
  #handleNow(peer: Peer, m: Immediate): void {
    if (peer.closed) return;
    switch (m.type) {
      case "ping":
        return peer.send(m.ref === undefined ? PONG : { v: 1, type: "pong", ref: m.ref });
      case "leave": {
        const ref = m.ref === undefined ? {} : { ref: m.ref };
        if (!peer.rooms.has(m.roomId)) {
          return peer.error("not-in-room", "Cannot leave: not in that room", {
            ...ref,
            roomId: m.roomId,
          });
        }
        this.#leave(peer, m.roomId);
        return peer.send({ v: 1, type: "left", roomId: m.roomId, ...ref });
      }
      case "ice":
        return this.#relay.ice(peer, m);
    }
  }

  async #join(peer: Peer, roomId: Hex, ref: { ref?: string }): Promise<void> {
    const l = this.#d.limits;
    const fail = (code: ErrorCode, message: string) =>
      peer.error(code, message, { ...ref, roomId });
    if (!peer.rooms.has(roomId) && peer.rooms.size >= l.maxRoomsPerSocket) {
      return fail("too-many-rooms", `Cannot join: at most ${l.maxRoomsPerSocket} rooms per socket`);
    }
    // The chain reads are paid from this socket's budget; refusals that cost one are strikes.
    const { view } = this.#d;
    const refusal = await checkJoin(view.reader(peer), roomId, peer.address, () => view.fresh());
    if (refusal?.strike) {
      return void strike(peer, l.maxStrikes, refusal.code, refusal.message, { ...ref, roomId });
    }
    if (refusal) return fail(refusal.code, refusal.message);
    // A member of the live room may have TURN credentials (as from `/api/ice`): in `joined`
    // they save the browser a request before its first offer.
    const ice = await this.#d.ice?.(peer.address).then(
      (c) => isWireIceConfig(c) ? c : undefined,
      () => undefined,
    );
    if (peer.closed) return;
    if (this.#rooms.prepare) {
      try {
        await this.#rooms.prepare(roomId);
      } catch (e) {
        if (e instanceof StateUnavailableError) return fail("state-unavailable", e.message);
        throw e;
      }
      if (peer.closed) return;
    }
    const room = this.#rooms.room(roomId);
    const existing = room?.member(peer.key);
    if (room && existing !== peer && room.size - (existing ? 1 : 0) >= l.maxPeersPerRoom) {
      return fail("room-full", `Cannot join: the room has ${l.maxPeersPerRoom} peers`);
    }
    if (existing && existing !== peer) {
      existing.error("replaced", "Left the room: you joined it from another connection", {
        roomId,
      });
      this.#leave(existing, roomId);
    }
    const { others, fresh } = this.#rooms.add(roomId, peer);
    peer.enter(roomId);
    // Descriptions between the peers follow at once, and each waits for a poll that starts
    // after it arrives: one started now reads the blocks since the last poll (the members'
    // commitments, likely), so theirs find only the head to compare (docs/PROTOCOL.md section 6).
    if (others.length > 0) view.fresh().catch(() => {});
    const peers = others.map((p) => p.address);
    peer.send({ v: 1, type: "joined", roomId, peers, ...(ice ? { ice } : {}), ...ref });
    if (fresh) {
      for (const o of others) {
        o.send({ v: 1, type: "presence", roomId, address: peer.address, state: "joined" });
      }
    }
  }

  /** The creator closed the room on-chain: tell its members and empty it. */
  #roomClosed(roomId: Hex): void {
    for (const p of this.#rooms.close(roomId)) {
      p.exit(roomId);
      p.error("room-closed", "Left the room: its creator closed it on-chain", { roomId });
    }
  }

  #leave(peer: Peer, roomId: Hex): void {
    peer.exit(roomId);
    const left = this.#rooms.remove(roomId, peer);
    for (const o of left ?? []) {
      o.send({ v: 1, type: "presence", roomId, address: peer.address, state: "left" });
    }
  }
}

/** A bug, or the other instances out of reach: say so, without the frame (it may carry SDP or
 * keys). */
function internal(peer: Peer, e: unknown): void {
  if (e instanceof StateUnavailableError) return peer.error("state-unavailable", e.message);
  console.error("signaling: cannot handle frame:", e instanceof Error ? e.name : typeof e);
  peer.error("internal", "Cannot handle frame: internal error");
}
