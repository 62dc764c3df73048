/**
 * The server's shared state, as one interface with two backends: in this process's memory (the
 * default, `memory_state.ts`) or in Redis (`MESH3_REDIS_URL`, `redis_state.ts`), where several
 * instances behind a load balancer act as one. What is shared: single-use SIWE nonces, sessions,
 * the per-IP and per-address socket caps, room membership and the relay between instances.
 * Every method that may reach Redis returns a promise (the memory backend's resolve at once) and
 * throws {@linkcode StateUnavailableError} when Redis cannot be reached: callers fail closed.
 * @module
 */
import type { Address } from "viem";
import type { Session } from "../auth/sessions.ts";
import type { CapLimits, ConnectionCaps } from "../signaling/admission.ts";
import type { Peer } from "../signaling/peer.ts";
import type { RoomState } from "../signaling/rooms.ts";

/** The shared state cannot be reached (Redis down or restarting): refuse, and say so. */
export class StateUnavailableError extends Error {
  override name = "StateUnavailableError";
  constructor(action: string) {
    super(`Cannot ${action}: the server's shared state (Redis) cannot be reached; try again soon`);
  }
}

/** Single-use SIWE nonces. */
export interface NonceBackend {
  /** A fresh nonce, valid once until its TTL ends. */
  issue(): Promise<string>;
  /** Consumes `nonce`: true only the first time, on any instance, within its TTL. */
  consume(nonce: string): Promise<boolean>;
  /** Drops expired nonces (the server calls it every minute; Redis expires them itself). */
  sweep(): void;
}

/** Sign-in sessions, valid on every instance. */
export interface SessionBackend {
  /** Starts a session for `address`, signed in from IP group `ip` (ends that address's or IP's
   * oldest session beyond its cap). */
  create(address: Address, ip: string): Promise<Session>;
  /** The live session with this id, if any. */
  get(id: string | undefined): Promise<Session | undefined>;
  /** Ends a session on every instance: its sockets close wherever they are. */
  end(id: string): Promise<void>;
  /** Whether a session this instance has seen is still live, without a round trip (checked on
   * every frame; an end anywhere reaches every instance through {@linkcode onEnd}). */
  live(id: string): boolean;
  /** Calls `listener(id)` whenever a session ends (logout, expiry, eviction), here or elsewhere. */
  onEnd(listener: (id: string) => void): void;
  /** Drops expired sessions and tells the listeners (the server calls it every minute). */
  sweep(): void;
}

/** What `/healthz` says of the shared state. */
export type StateHealth = "memory" | "ok" | "unavailable";

/** The whole shared state. */
export interface SharedState {
  /** Which backend: `memory` or `redis`. */
  readonly kind: "memory" | "redis";
  nonces: NonceBackend;
  sessions: SessionBackend;
  /** The socket caps, counted over every instance. */
  caps(limits: CapLimits): ConnectionCaps;
  /** The room state the hub keeps (one per state). */
  rooms(): RoomState<Peer>;
  /** Whether the backend can be reached now. */
  health(): StateHealth;
  /** Stops timers and closes connections. */
  close(): Promise<void>;
}
