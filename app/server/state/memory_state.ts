/**
 * {@linkcode SharedState} in this process's memory: the default, for one instance. Nonces and
 * sessions are the bounded in-memory stores of app/server/auth, caps {@linkcode MemoryAdmission};
 * every promise resolves at once and nothing can be unreachable.
 * @module
 */
import type { Address } from "viem";
import { NonceStore } from "../auth/nonces.ts";
import { type Session, SessionStore } from "../auth/sessions.ts";
import { type CapLimits, MemoryAdmission } from "../signaling/admission.ts";
import type { Peer } from "../signaling/peer.ts";
import { MemoryRooms } from "../signaling/rooms.ts";
import type { NonceBackend, SessionBackend, SharedState, StateHealth } from "./shared_state.ts";

/** Options of {@linkcode MemoryState}. */
export interface MemoryStateOptions {
  nonceTtlSeconds: number;
  maxNonces: number;
  sessionTtlSeconds: number;
  maxSessions: number;
  maxSessionsPerAddress?: number;
  maxSessionsPerIp?: number;
  now?: () => number;
}

/**
 * The shared state of one instance, in memory.
 *
 * @example
 * ```ts
 * const state = new MemoryState({
 *   nonceTtlSeconds: 300, maxNonces: 1000, sessionTtlSeconds: 3600, maxSessions: 1000,
 * });
 * const nonce = await state.nonces.issue();
 * await state.nonces.consume(nonce); // true
 * await state.nonces.consume(nonce); // false
 * ```
 */
export class MemoryState implements SharedState {
  readonly kind = "memory";
  readonly nonces: NonceBackend;
  readonly sessions: SessionBackend;
  /** The session store itself (sizes, for tests). */
  readonly sessionStore: SessionStore;

  constructor(o: MemoryStateOptions) {
    const nonces = new NonceStore({
      ttlSeconds: o.nonceTtlSeconds,
      maxNonces: o.maxNonces,
      now: o.now,
    });
    const store = new SessionStore({
      ttlSeconds: o.sessionTtlSeconds,
      maxSessions: o.maxSessions,
      maxPerAddress: o.maxSessionsPerAddress,
      maxPerIp: o.maxSessionsPerIp,
      now: o.now,
    });
    this.sessionStore = store;
    this.nonces = {
      issue: () => Promise.resolve(nonces.issue()),
      consume: (n) => Promise.resolve(nonces.consume(n)),
      sweep: () => nonces.sweep(),
    };
    this.sessions = {
      create: (address: Address, ip: string): Promise<Session> =>
        Promise.resolve(store.create(address, ip)),
      get: (id) => Promise.resolve(store.get(id)),
      end: (id) => Promise.resolve(store.end(id)),
      live: (id) => store.get(id) !== undefined,
      onEnd: (f) => store.onEnd(f),
      sweep: () => store.sweep(),
    };
  }

  #caps: MemoryAdmission | undefined;

  /** The caps (one count per state: the first call's limits hold). */
  caps(limits: CapLimits): MemoryAdmission {
    return this.#caps ??= new MemoryAdmission(limits);
  }

  #rooms: MemoryRooms<Peer> | undefined;

  rooms(): MemoryRooms<Peer> {
    return this.#rooms ??= new MemoryRooms();
  }

  health(): StateHealth {
    return "memory";
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
