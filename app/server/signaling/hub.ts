/**
 * The signaling hub: admits sockets under the connection caps, keeps rooms and presence, and
 * relays offers, answers and ICE candidates (the checks live in relay.ts). All state is in RAM
 * and bounded: sockets by `maxSockets`, rooms by sockets × `maxRoomsPerSocket`, members by
 * `maxPeersPerRoom`, queued frames by the rate-limit burst.
 * @module
 */
import type { Address, Hex } from "viem";
import type { Limits } from "../../../fresh.config.ts";
import type { ClientMessage, ErrorCode } from "../../core/wire.ts";
import { encodeRelayedIce, parseClientMessage } from "../../core/wire.ts";
import { ChainUnavailableError, ChainView, ReadBudgetError } from "../chain_view.ts";
import { CLOSE, type Conn, Peer } from "./peer.ts";
import { checkDescription, RelayRefusal } from "./relay.ts";
import { CommitmentMemo } from "./commitment_memo.ts";

/** A room's live members and which peer has sent a verified description to which. */
export interface Room {
  members: Map<string, Peer>;
  /** from → the peers `to` that from's offer/answer was relayed to (lower-case addresses). */
  described: Map<string, Set<string>>;
}

const PONG = { v: 1, type: "pong" } as const;
type Relayed = Extract<ClientMessage, { type: "offer" | "answer" | "ice" }>;
type Immediate = Extract<ClientMessage, { type: "ice" | "ping" | "leave" }>;

/** Sizes of the hub's state, from {@linkcode SignalingHub.stats}. */
export interface HubStats {
  /** Open sockets. */
  sockets: number;
  /** Sockets the server closed whose connection has not ended yet (still counted in the caps). */
  ending: number;
  /** Rooms with at least one member. */
  rooms: number;
  /** Memberships over all rooms. */
  members: number;
  /** Relayed-description pairs over all rooms. */
  pairs: number;
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
}

/**
 * Rooms, presence and relaying.
 *
 * @example
 * ```ts
 * const hub = new SignalingHub({ limits, view, chainId, registry, sessionLive });
 * const refusal = hub.admit(ip, address); // null or "too many sockets..."
 * const peer = hub.open(socket, { address, sessionId, ip });
 * socket.onmessage = (e) => hub.receive(peer, e.data);
 * socket.onclose = () => hub.detach(peer);
 * ```
 */
export class SignalingHub {
  readonly rooms = new Map<Hex, Room>();
  /** Live sockets: in rooms, handling frames. */
  readonly peers = new Set<Peer>();
  /** Sockets counted against the caps: the live ones and those the server closed whose TCP
   * connection has not ended yet (a client that never finishes the close handshake keeps its
   * connection open, and Deno cannot abort it; counting it bounds them per IP and address). */
  #counted = new Set<Peer>();
  #perIp = new Map<string, number>();
  #perAddress = new Map<string, number>();
  #d: HubDeps;
  #check: Parameters<typeof checkDescription>[0];

  constructor(deps: HubDeps) {
    this.#d = deps;
    const { view, chainId, registry } = deps;
    this.#check = { view, chainId, registry, memo: new CommitmentMemo({ chainId, registry }) };
    deps.view.onRoomClosed((roomId) => this.#roomClosed(roomId));
  }

  /** Why a new socket from `ip` for `address` is refused, or null when it may open. */
  admit(ip: string, address: Address): string | null {
    const l = this.#d.limits;
    if (this.#counted.size >= l.maxSockets) return "Cannot connect: the server is full";
    if ((this.#perIp.get(ip) ?? 0) >= l.maxSocketsPerIp) {
      return "Cannot connect: too many sockets from this IP address";
    }
    if ((this.#perAddress.get(address.toLowerCase()) ?? 0) >= l.maxSocketsPerAddress) {
      return "Cannot connect: too many sockets for this address";
    }
    return null;
  }

  /** Registers a socket being upgraded (call after {@linkcode admit}); counts it at once. */
  open(conn: Conn, o: { address: Address; sessionId: string; ip: string }): Peer {
    const l = this.#d.limits;
    const peer = new Peer(conn, {
      ...o,
      maxSendBufferBytes: l.maxSendBufferBytes,
      ratePerSecond: l.ratePerSecond,
      rateBurst: l.rateBurst,
    });
    this.peers.add(peer);
    this.#counted.add(peer);
    peer.onClose = () => this.#leaveAll(peer);
    bump(this.#perIp, peer.ip, 1);
    bump(this.#perAddress, peer.key, 1);
    peer.joinTimer = setTimeout(() => {
      if (peer.rooms.size === 0) peer.close(CLOSE.policy, "no join in time");
    }, l.joinTimeoutMs);
    return peer;
  }

  /**
   * Sizes of every map the hub keeps: all zero once every socket has gone.
   *
   * @example
   * ```ts
   * hub.stats(); // { sockets: 0, ending: 0, rooms: 0, members: 0, pairs: 0, pending: 0, ips: 0, addresses: 0 }
   * ```
   */
  stats(): HubStats {
    let members = 0, pairs = 0, pending = 0;
    for (const r of this.rooms.values()) {
      members += r.members.size;
      for (const to of r.described.values()) pairs += to.size;
    }
    for (const p of this.peers) pending += p.pending;
    return {
      sockets: this.peers.size,
      ending: this.#counted.size - this.peers.size,
      rooms: this.rooms.size,
      members,
      pairs,
      pending,
      ips: this.#perIp.size,
      addresses: this.#perAddress.size,
    };
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

  /** Handles one frame: size, rate and session checks, parse, then in order per peer. */
  receive(peer: Peer, data: unknown): void {
    if (peer.closed) return;
    const l = this.#d.limits;
    if (typeof data !== "string") {
      return this.#strike(peer, "malformed", "Cannot read frame: only text frames are accepted");
    }
    if (data.length > l.maxFrameBytes || utf8Length(data, l.maxFrameBytes) > l.maxFrameBytes) {
      peer.error("too-large", `Cannot read frame: larger than ${l.maxFrameBytes} bytes`);
      return peer.close(CLOSE.tooLarge, "frame too large");
    }
    if (!this.#d.sessionLive(peer.sessionId)) {
      peer.error("unauthorized", "Cannot continue: the session ended; sign in again");
      return peer.close(CLOSE.policy, "session ended");
    }
    if (!peer.bucket.take() || peer.pending >= l.rateBurst) {
      return this.#strike(
        peer,
        "rate-limited",
        "Cannot handle frame: too many messages, slow down",
      );
    }
    const parsed = parseClientMessage(data, peer.parseMemo);
    if (!parsed.ok) {
      return this.#strike(peer, parsed.code, `Cannot read frame: ${parsed.reason}`, parsed.ref);
    }
    const m = parsed.message;
    if (peer.pending === 0 && (m.type === "ice" || m.type === "ping" || m.type === "leave")) {
      // Nothing of this peer's is queued or running, and these need no chain: handle it now,
      // in the same order, without a promise per frame (ICE is nearly all of the traffic).
      try {
        return this.#handleNow(peer, m);
      } catch (e) {
        return internal(peer, e);
      }
    }
    peer.pending++;
    peer.queue = peer.queue.then(() => this.#handle(peer, m)).catch((e) => internal(peer, e))
      .finally(() => {
        peer.pending--;
      });
  }

  /** Forgets a socket whose connection ended: leaves its rooms (presence "left") and frees its
   * place in the caps. */
  detach(peer: Peer): void {
    this.#leaveAll(peer);
    if (!this.#counted.delete(peer)) return;
    bump(this.#perIp, peer.ip, -1);
    bump(this.#perAddress, peer.key, -1);
  }

  /** Takes a socket out of its rooms at once (closed by either side); it stays counted until
   * {@linkcode detach}. */
  #leaveAll(peer: Peer): void {
    if (!this.peers.delete(peer)) return;
    peer.closed = true;
    clearTimeout(peer.joinTimer);
    for (const roomId of [...peer.rooms]) this.#leave(peer, roomId);
  }

  /** Closes every socket of a session (logout). */
  endSession(sessionId: string): void {
    for (const p of this.peers) {
      if (p.sessionId === sessionId) {
        p.error("unauthorized", "Cannot continue: signed out");
        p.close(CLOSE.policy, "session ended");
      }
    }
  }

  /** Closes every socket (shutdown). */
  closeAll(): void {
    for (const p of this.peers) p.close(CLOSE.goingAway, "server shutting down");
  }

  #strike(
    peer: Peer,
    code: ErrorCode,
    message: string,
    ref?: string,
    extra: { roomId?: Hex } = {},
  ): void {
    peer.strikes++;
    const at = ref === undefined ? extra : { ref, ...extra };
    if (peer.strikes > this.#d.limits.maxStrikes) {
      peer.error(code, "Cannot continue: too many refused frames", at);
      return peer.close(CLOSE.policy, "too many refused frames");
    }
    peer.error(code, message, at);
  }

  async #handle(peer: Peer, m: ClientMessage): Promise<void> {
    switch (m.type) {
      case "join":
        if (peer.closed) return;
        return await this.#join(peer, m.roomId, m.ref === undefined ? {} : { ref: m.ref });
      case "offer":
      case "answer":
        if (peer.closed) return;
        return await this.#relay(peer, m, m.ref === undefined ? {} : { ref: m.ref });
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
        return this.#relayIce(peer, m);
    }
  }

  async #join(peer: Peer, roomId: Hex, ref: { ref?: string }): Promise<void> {
    const l = this.#d.limits;
    const fail = (code: ErrorCode, message: string) =>
      peer.error(code, message, { ...ref, roomId });
    // Refusals that cost a chain read count against the socket.
    const strike = (code: ErrorCode, message: string) =>
      this.#strike(peer, code, message, ref.ref, { roomId });
    if (!peer.rooms.has(roomId) && peer.rooms.size >= l.maxRoomsPerSocket) {
      return fail("too-many-rooms", `Cannot join: at most ${l.maxRoomsPerSocket} rooms per socket`);
    }
    try {
      const room = await this.#d.view.room(roomId, peer);
      if (!room) return strike("room-not-found", "Cannot join: no such room on-chain");
      const status = this.#d.view.statusOf(room);
      if (status === "closed") return fail("room-closed", "Cannot join: the room was closed");
      if (status === "expired") return fail("room-expired", "Cannot join: the room has expired");
      if (room.membersOnly && !(await this.#d.view.commitment(roomId, peer.address, peer))) {
        return strike(
          "not-member",
          "Cannot join: members-only room and no key commitment from you",
        );
      }
    } catch (e) {
      if (e instanceof ChainUnavailableError) {
        return fail("chain-unavailable", "Cannot join: the chain cannot be reached; try again");
      }
      if (e instanceof ReadBudgetError) return strike("rate-limited", e.message);
      throw e;
    }
    if (peer.closed) return;
    let room = this.rooms.get(roomId);
    const existing = room?.members.get(peer.key);
    if (room && existing !== peer && room.members.size - (existing ? 1 : 0) >= l.maxPeersPerRoom) {
      return fail("room-full", `Cannot join: the room has ${l.maxPeersPerRoom} peers`);
    }
    if (existing && existing !== peer) {
      existing.error("replaced", "Left the room: you joined it from another connection", {
        roomId,
      });
      this.#leave(existing, roomId);
      room = this.rooms.get(roomId);
    }
    if (!room) {
      room = { members: new Map(), described: new Map() };
      this.rooms.set(roomId, room);
    }
    const others = [...room.members.values()].filter((p) => p !== peer);
    const fresh = !room.members.has(peer.key);
    room.members.set(peer.key, peer);
    peer.rooms.add(roomId);
    clearTimeout(peer.joinTimer);
    peer.send({ v: 1, type: "joined", roomId, peers: others.map((p) => p.address), ...ref });
    if (fresh) {
      for (const o of others) {
        o.send({ v: 1, type: "presence", roomId, address: peer.address, state: "joined" });
      }
    }
  }

  /** The creator closed the room on-chain: tell its members and empty it. */
  #roomClosed(roomId: Hex): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    this.rooms.delete(roomId);
    for (const p of room.members.values()) {
      p.rooms.delete(roomId);
      p.error("room-closed", "Left the room: its creator closed it on-chain", { roomId });
    }
  }

  #leave(peer: Peer, roomId: Hex): void {
    peer.rooms.delete(roomId);
    const room = this.rooms.get(roomId);
    if (!room || room.members.get(peer.key) !== peer) return;
    room.members.delete(peer.key);
    room.described.delete(peer.key);
    for (const [from, to] of room.described) {
      to.delete(peer.key);
      if (to.size === 0) room.described.delete(from);
    }
    if (room.members.size === 0) return void this.rooms.delete(roomId);
    for (const o of room.members.values()) {
      o.send({ v: 1, type: "presence", roomId, address: peer.address, state: "left" });
    }
  }

  /** Where a relayed frame goes: the target, or null after sending the sender an error. */
  #route(peer: Peer, m: Relayed): { room: Room; target: Peer } | null {
    const room = this.rooms.get(m.roomId);
    if (!room || room.members.get(peer.key) !== peer) {
      relayError(peer, m, "not-in-room", `Cannot send ${m.type}: join the room first`);
      return null;
    }
    // `to` is lower case once parsed: the form of member keys.
    const target = room.members.get(m.to);
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

  #relayIce(peer: Peer, m: Extract<ClientMessage, { type: "ice" }>): void {
    const room = this.rooms.get(m.roomId);
    const target = room?.members.get(m.to);
    // The common case checked inline (no allocation); anything else is refused by #route.
    if (
      room === undefined || target === undefined || room.members.get(peer.key) !== peer ||
      m.to === peer.key
    ) {
      return void this.#route(peer, m);
    }
    if (!room.described.get(peer.key)?.has(m.to)) {
      return relayError(
        peer,
        m,
        "no-offer",
        "Cannot send ICE: your offer or answer to that peer was not relayed yet",
      );
    }
    target.sendText(encodeRelayedIce(peer.icePrefix(m.roomId), m.candidate));
  }

  async #relay(
    peer: Peer,
    m: Extract<ClientMessage, { type: "offer" | "answer" }>,
    ref: { ref?: string },
  ): Promise<void> {
    const { roomId } = m;
    const fail = (code: ErrorCode, message: string) =>
      peer.error(code, message, { ...ref, roomId });
    const route = this.#route(peer, m);
    if (route === null) return;
    const { room, target } = route;
    const toKey = m.to;
    if (m.type === "answer" && !room.described.get(toKey)?.has(peer.key)) {
      return fail("no-offer", "Cannot send answer: that peer sent you no offer");
    }
    try {
      await checkDescription(this.#check, {
        roomId,
        from: peer.address,
        publicKey: m.publicKey,
        sdp: m.sdp,
        requester: peer,
      });
    } catch (e) {
      if (!(e instanceof RelayRefusal)) throw e;
      if (e.strike) return this.#strike(peer, e.code, e.message, ref.ref, { roomId });
      return fail(e.code, e.message);
    }
    // The room may have changed while the chain was asked.
    if (peer.closed || room.members.get(peer.key) !== peer || room.members.get(toKey) !== target) {
      return fail("peer-not-found", `Cannot send ${m.type}: the peer left`);
    }
    let described = room.described.get(peer.key);
    if (described === undefined) room.described.set(peer.key, described = new Set());
    described.add(toKey);
    target.send({
      v: 1,
      type: m.type,
      from: peer.address,
      roomId,
      publicKey: m.publicKey,
      sdp: m.sdp,
    });
  }
}

/** An error about a relayed frame: carries its `ref` (when given) and `roomId`. */
function relayError(peer: Peer, m: Relayed, code: ErrorCode, message: string): void {
  peer.error(
    code,
    message,
    m.ref === undefined ? { roomId: m.roomId } : { ref: m.ref, roomId: m.roomId },
  );
}

/** A bug: say so, without the frame (it may carry SDP or keys). */
function internal(peer: Peer, e: unknown): void {
  console.error("signaling: cannot handle frame:", e instanceof Error ? e.name : typeof e);
  peer.error("internal", "Cannot handle frame: internal error");
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}

/** The frame's size in UTF-8 bytes, or a bound of it that is still within `max`. */
function utf8Length(s: string, max: number): number {
  // At most 3 bytes per UTF-16 code unit: no need to count when even that fits.
  if (s.length * 3 <= max) return s.length * 3;
  return new TextEncoder().encode(s).length;
}
