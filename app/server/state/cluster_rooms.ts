/**
 * Rooms over several instances ({@linkcode RoomState} on Redis). Each instance keeps a mirror of
 * the rooms its sockets are in (a {@linkcode MemoryRooms} holding its own peers and, for members
 * on other instances, {@linkcode RemotePeer}s), so the hub's reads stay synchronous and the hub
 * code is the same on one instance or many. Redis holds, per room, a hash of member → instance,
 * read when an instance's first socket joins the room; membership changes (join, leave, relayed
 * description) go on the room's channel, which only instances with a member there follow; frames
 * for a member on another instance go on that instance's own channel. No frame is broadcast to
 * every instance. A member whose instance stopped its heartbeat is dropped from every mirror:
 * once its heartbeat is found missing at two sweeps in a row, neither of them late (a stall that
 * froze every instance, as on one starved machine, lets every heartbeat lapse at once; the first
 * sweep after it must not take the others for dead before their own timers have run).
 * @module
 */
import type { Buffer } from "node:buffer";
import type { Address, Hex } from "viem";
import type { Peer } from "../signaling/peer.ts";
import { MemoryRooms, type RoomState, type RoomStats, type RoomView } from "../signaling/rooms.ts";
import { instanceKey, PREFIX, type RedisConnection } from "./redis_connection.ts";
import { InstanceOutbox, unpackFrames } from "./instance_frames.ts";
import { type RemoteBus, RemotePeer } from "./remote_peer.ts";
import { StateUnavailableError } from "./shared_state.ts";

/** How often each instance looks for members of dead instances in its mirrors. */
const SWEEP_MS = 1000;
/** A sweep that starts this much later than planned ran after a stall of its own process (or
 * machine): the others may have stalled too and not yet renewed their heartbeats, so it judges
 * no one. */
const LATE_MS = 2 * SWEEP_MS;

/** A membership change on a room's channel. */
type RoomEvent =
  // `again`: announced anew (after a reconnect, or after the others took its instance for dead).
  | { t: "join"; by: string; inst: string; key: string; address: Address; again?: true }
  | { t: "leave"; by: string; inst: string; key: string }
  | { t: "describe"; by: string; from: string; to: string };

/** Who to tell that a member on another instance left without saying so (its instance died), or
 * is back after being taken for dead. */
export type RemotePresenceListener = (
  roomId: Hex,
  address: Address,
  state: "joined" | "left",
  tell: Peer[],
) => void;

/**
 * {@linkcode RoomState} shared by every instance on one Redis.
 *
 * @example
 * ```ts ignore
 * // Needs a running redis-server; the hub is given it as its room state.
 * const rooms = await ClusterRooms.open(conn);
 * const hub = new SignalingHub({ ...deps, rooms });
 * ```
 */
export class ClusterRooms implements RoomState<Peer>, RemoteBus {
  #c: RedisConnection;
  #mirror = new MemoryRooms<Peer>();
  /** Rooms followed (this instance has a member there), with how many local members. */
  #local = new Map<Hex, number>();
  #loading = new Map<Hex, Promise<void>>();
  /** Rooms followed with no local member at the last sweep (a join refused after `prepare`). */
  #idle = new Set<Hex>();
  #presence = new Set<RemotePresenceListener>();
  #sweeper: ReturnType<typeof setInterval>;
  #lastSweep = performance.now();
  /** Instances whose heartbeat the last sweep found missing. */
  #missing = new Set<string>();
  /** Frames for members of other instances, one batch per instance and turn. */
  #outbox: InstanceOutbox;
  /** Frames for members no longer here when they arrived (they left meanwhile), or not one
   * text frame. */
  undelivered = 0;

  private constructor(c: RedisConnection) {
    this.#c = c;
    this.#outbox = new InstanceOutbox((instance, batch) => {
      if (c.redis.status !== "ready") return;
      c.redis.publish(`${PREFIX}i:${instance}`, batch).catch(() => {});
    });
    this.#sweeper = setInterval(() => void this.#sweep().catch(() => {}), SWEEP_MS);
    Deno.unrefTimer(this.#sweeper);
    c.onReconnect(() => void this.#rewrite().catch(() => {}));
  }

  /** Follows this instance's channel, then returns the room state. */
  static async open(c: RedisConnection): Promise<ClusterRooms> {
    const rooms = new ClusterRooms(c);
    await c.subscribeBytes(`${PREFIX}i:${c.id}`, (m) => rooms.#frames(m));
    return rooms;
  }

  room(roomId: Hex): RoomView<Peer> | undefined {
    return this.#mirror.room(roomId);
  }

  /** Follows the room and loads its members on other instances (before a join reads it). */
  prepare(roomId: Hex): Promise<void> {
    if (this.#local.has(roomId)) return this.#loading.get(roomId) ?? Promise.resolve();
    // Followed from now on: changes published while the members load are applied too.
    this.#local.set(roomId, 0);
    const loading = this.#load(roomId).catch((e) => {
      if (this.#local.get(roomId) === 0) this.#unfollowIfEmpty(roomId, 0);
      throw e;
    }).finally(() => this.#loading.delete(roomId));
    this.#loading.set(roomId, loading);
    return loading;
  }

  async #load(roomId: Hex): Promise<void> {
    await this.#c.subscribe(roomChannel(roomId), (m) => this.#event(roomId, m));
    const entries = await this.#c.run("join", (r) => r.hgetall(membersKey(roomId)));
    const alive = await this.#alive(Object.values(entries).map((v) => v.split("|")[0]));
    for (const [key, value] of Object.entries(entries)) {
      const [inst, address] = value.split("|");
      if (inst === this.#c.id || !alive.has(inst) || this.#mirror.room(roomId)?.member(key)) {
        continue;
      }
      this.#mirror.add(roomId, new RemotePeer(this, inst, roomId, address as Address));
    }
  }

  async hasMember(roomId: Hex, key: string): Promise<boolean> {
    const value = await this.#c.run("check the room", (r) => r.hget(membersKey(roomId), key));
    if (value === null) return false;
    const inst = value.split("|")[0];
    return inst === this.#c.id || (await this.#alive([inst], "check the room")).has(inst);
  }

  add(roomId: Hex, member: Peer): { others: Peer[]; fresh: boolean } {
    const result = this.#mirror.add(roomId, member);
    this.#local.set(roomId, (this.#local.get(roomId) ?? 0) + 1);
    const me = this.#c.id;
    this.#send((r) => r.hset(membersKey(roomId), member.key, `${me}|${member.address}`));
    this.#publish(roomId, {
      t: "join",
      by: me,
      inst: me,
      key: member.key,
      address: member.address,
    });
    return result;
  }

  remove(roomId: Hex, member: Peer): Peer[] | undefined {
    const left = this.#mirror.remove(roomId, member);
    if (left === undefined) return undefined;
    const inst = member instanceof RemotePeer ? member.instance : this.#c.id;
    this.#send((r) => r.eval(HDEL_IF, 1, membersKey(roomId), member.key, inst));
    this.#publish(roomId, { t: "leave", by: this.#c.id, inst, key: member.key });
    if (!(member instanceof RemotePeer)) this.#unfollowIfEmpty(roomId, -1);
    return left;
  }

  describe(roomId: Hex, from: string, to: string): void {
    this.#mirror.describe(roomId, from, to);
    this.#publish(roomId, { t: "describe", by: this.#c.id, from, to });
  }

  /** Empties the room here and returns this instance's members (each instance closes its own:
   * every one sees the chain's event). */
  close(roomId: Hex): Peer[] {
    const members = this.#mirror.close(roomId).filter((m) => !(m instanceof RemotePeer));
    for (const m of members) {
      this.#send((r) => r.eval(HDEL_IF, 1, membersKey(roomId), m.key, this.#c.id));
    }
    if (this.#local.delete(roomId)) this.#c.unsubscribe(roomChannel(roomId));
    return members;
  }

  stats(): RoomStats {
    return this.#mirror.stats();
  }

  /** Calls `f` when a member on another instance is gone without leaving, or back. */
  onRemotePresence(f: RemotePresenceListener): void {
    this.#presence.add(f);
  }

  /** Sends a frame to a member on `instance` at the end of this turn, with the others for that
   * instance (throws when Redis cannot be reached). */
  deliver(instance: string, roomId: Hex, key: string, text: string): void {
    if (this.#c.redis.status !== "ready") throw new StateUnavailableError("relay");
    this.#outbox.add(instance, roomId, key, text);
  }

  /** Stops the sweeper. */
  stop(): void {
    clearInterval(this.#sweeper);
  }

  /** Frames for members of this instance, built and checked by the sending instance (only
   * instances publish on Redis): each goes to its member's socket as it came, if the member is
   * still in the room here. */
  #frames(batch: Buffer): void {
    const whole = unpackFrames(batch, (roomId, key, frame) => {
      const member = this.#mirror.room(roomId)?.member(key);
      if (member === undefined || member instanceof RemotePeer || !member.sendFrame(frame)) {
        this.undelivered++;
      }
    });
    if (!whole) this.undelivered++;
  }

  /** A membership change made by another instance. */
  #event(roomId: Hex, raw: string): void {
    let e: RoomEvent;
    try {
      e = JSON.parse(raw);
    } catch {
      return;
    }
    if (e.by === this.#c.id || !this.#local.has(roomId)) return;
    const current = this.#mirror.room(roomId);
    switch (e.t) {
      case "join": {
        if (e.inst === this.#c.id) return;
        const old = current?.member(e.key);
        if (old instanceof RemotePeer && old.instance === e.inst) return;
        if (old instanceof RemotePeer) this.#mirror.remove(roomId, old);
        const { others, fresh } = this.#mirror.add(
          roomId,
          new RemotePeer(this, e.inst, roomId, e.address),
        );
        // A first join tells the others itself (through their instances); a member announced
        // again after this instance dropped it was told "left" here: it is back.
        if (e.again && fresh) this.#tell(roomId, e.address, "joined", others);
        return;
      }
      case "leave": {
        const old = current?.member(e.key);
        if (old === undefined) return;
        if (old instanceof RemotePeer) {
          if (old.instance === e.inst) this.#mirror.remove(roomId, old);
          return;
        }
        if (e.inst !== this.#c.id) return;
        // Another instance took this instance's member out (it joined from there: "replaced").
        this.#mirror.remove(roomId, old);
        old.exit(roomId);
        return this.#unfollowIfEmpty(roomId, -1);
      }
      case "describe":
        return this.#mirror.describe(roomId, e.from, e.to);
    }
  }

  #unfollowIfEmpty(roomId: Hex, by: number): void {
    const n = (this.#local.get(roomId) ?? 0) + by;
    if (n > 0) return void this.#local.set(roomId, n);
    this.#local.delete(roomId);
    this.#c.unsubscribe(roomChannel(roomId));
    // Only members of other instances are left in the mirror: forget them.
    this.#mirror.close(roomId);
  }

  /** Drops the members of instances whose heartbeat ended, and tells the local members. */
  async #sweep(): Promise<void> {
    for (const [roomId, n] of this.#local) {
      if (n > 0 || this.#loading.has(roomId)) this.#idle.delete(roomId);
      else if (this.#idle.delete(roomId)) this.#unfollowIfEmpty(roomId, 0);
      else this.#idle.add(roomId);
    }
    const byInstance = new Map<string, { roomId: Hex; member: RemotePeer }[]>();
    for (const roomId of this.#local.keys()) {
      for (const m of this.#mirror.room(roomId)?.members() ?? []) {
        if (!(m instanceof RemotePeer)) continue;
        const list = byInstance.get(m.instance) ?? [];
        list.push({ roomId, member: m });
        byInstance.set(m.instance, list);
      }
    }
    const now = performance.now();
    const late = now - this.#lastSweep > LATE_MS;
    this.#lastSweep = now;
    if (byInstance.size === 0 || late) return void this.#missing.clear();
    const alive = await this.#alive([...byInstance.keys()]);
    const missing = new Set([...byInstance.keys()].filter((inst) => !alive.has(inst)));
    const before = this.#missing;
    this.#missing = missing;
    for (const [inst, gone] of byInstance) {
      if (!missing.has(inst) || !before.has(inst)) continue;
      for (const { roomId, member } of gone) {
        const left = this.#mirror.remove(roomId, member);
        if (left === undefined) continue;
        this.#send((r) => r.eval(HDEL_IF, 1, membersKey(roomId), member.key, inst));
        this.#tell(roomId, member.address, "left", left);
      }
    }
  }

  /** Which of `instances` have a live heartbeat. */
  async #alive(instances: string[], action = "join"): Promise<Set<string>> {
    const ids = [...new Set(instances)];
    if (ids.length === 0) return new Set();
    const beats = await this.#c.run(action, (r) => r.mget(ids.map(instanceKey)));
    return new Set(ids.filter((_, i) => beats[i] !== null));
  }

  /** After Redis came back, or after the others took this instance for dead: writes its members
   * again and announces them (the others' mirrors may have dropped them). */
  async #rewrite(): Promise<void> {
    const me = this.#c.id;
    for (const roomId of this.#local.keys()) {
      for (const m of this.#mirror.room(roomId)?.members() ?? []) {
        if (m instanceof RemotePeer) continue;
        await this.#c.redis.hset(membersKey(roomId), m.key, `${me}|${m.address}`);
        this.#publish(roomId, {
          t: "join",
          by: me,
          inst: me,
          key: m.key,
          address: m.address,
          again: true,
        });
      }
    }
  }

  /** Tells this instance's members among `members` of a remote member's presence. */
  #tell(roomId: Hex, address: Address, state: "joined" | "left", members: Peer[]): void {
    const tell = members.filter((p) => !(p instanceof RemotePeer));
    for (const f of this.#presence) f(roomId, address, state, tell);
  }

  #publish(roomId: Hex, e: RoomEvent): void {
    // Frames queued before the change go first, as they were sent.
    this.#outbox.flush();
    this.#send((r) => r.publish(roomChannel(roomId), JSON.stringify(e)));
  }

  /** A write whose failure is repaired later (the rewrite after a reconnect, the sweep). */
  #send(f: (r: RedisConnection["redis"]) => Promise<unknown>): void {
    if (this.#c.redis.status !== "ready") return;
    f(this.#c.redis).catch(() => {});
  }
}

/** Removes a member from a room's hash only if it is still the named instance's. */
const HDEL_IF = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if v and string.sub(v, 1, #ARGV[2] + 1) == ARGV[2] .. '|' then redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0`;

function membersKey(roomId: Hex): string {
  return `${PREFIX}m:${roomId}`;
}

function roomChannel(roomId: Hex): string {
  return `${PREFIX}r:${roomId}`;
}
