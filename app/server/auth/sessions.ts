/**
 * In-memory sign-in sessions: random 256-bit ids (the cookie value), a TTL, a size cap, and
 * listeners so open sockets close when their session ends (logout, expiry).
 * @module
 */
import type { Address } from "viem";
import { encodeBase64Url } from "../../core/bytes.ts";
import { BoundedMap } from "../bounded_map.ts";

/** A signed-in session. */
export interface Session {
  id: string;
  address: Address;
  expiresAt: number;
}

/** Options of {@linkcode SessionStore}. */
export interface SessionStoreOptions {
  ttlSeconds: number;
  maxSessions: number;
  now?: () => number;
}

/**
 * Sessions by id.
 *
 * @example
 * ```ts
 * const sessions = new SessionStore({ ttlSeconds: 3600, maxSessions: 1000 });
 * const s = sessions.create("0x...");
 * sessions.get(s.id)?.address;
 * sessions.end(s.id);
 * ```
 */
export class SessionStore {
  #sessions: BoundedMap<string, Session>;
  #now: () => number;
  #ttlMs: number;
  #onEnd = new Set<(id: string) => void>();

  constructor(options: SessionStoreOptions) {
    this.#now = options.now ?? Date.now;
    this.#ttlMs = options.ttlSeconds * 1000;
    this.#sessions = new BoundedMap({
      maxSize: options.maxSessions,
      ttlMs: this.#ttlMs,
      now: this.#now,
      // An expired or evicted session ends like a logout: its sockets close.
      onDrop: (id) => this.#ended(id),
    });
  }

  /** Starts a session for `address`. */
  create(address: Address): Session {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    const id = encodeBase64Url(bytes);
    const session = { id, address, expiresAt: this.#now() + this.#ttlMs };
    this.#sessions.set(id, session);
    return session;
  }

  /** The live session with this id, if any. */
  get(id: string | undefined): Session | undefined {
    if (!id || id.length > 64) return undefined;
    return this.#sessions.get(id);
  }

  /** Ends a session and tells the listeners (sockets of that session close). */
  end(id: string): void {
    if (this.#sessions.delete(id)) this.#ended(id);
  }

  /** Calls `listener(id)` whenever a session is ended. */
  onEnd(listener: (id: string) => void): void {
    this.#onEnd.add(listener);
  }

  /** Drops expired sessions (their listeners are told; the server calls this every minute). */
  sweep(): void {
    this.#sessions.sweep();
  }

  #ended(id: string): void {
    for (const f of this.#onEnd) f(id);
  }
}
