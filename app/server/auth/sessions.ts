/**
 * In-memory sign-in sessions: random 256-bit ids (the cookie value), a TTL, caps, and listeners
 * so open sockets close when their session ends (logout, expiry, eviction). Each address and
 * each IP group holds at most its own cap of sessions: signing in beyond it ends that
 * address's (or IP's) own oldest session, so one client with many fresh keys or addresses can
 * never push the store to its global cap and evict other people's sessions.
 * @module
 */
import type { Address } from "viem";
import { encodeBase64Url } from "../../core/bytes.ts";
import { BoundedMap } from "../bounded_map.ts";

/** A signed-in session. */
export interface Session {
  id: string;
  address: Address;
  /** The IP group it signed in from (`clientIp`). */
  ip: string;
  expiresAt: number;
}

/** Options of {@linkcode SessionStore}. */
export interface SessionStoreOptions {
  ttlSeconds: number;
  /** Cap over all sessions (the oldest is evicted beyond it). */
  maxSessions: number;
  /** Cap per address (its own oldest is ended beyond it); default: no cap of its own. */
  maxPerAddress?: number;
  /** Cap per IP group (its own oldest is ended beyond it); default: no cap of its own. */
  maxPerIp?: number;
  now?: () => number;
}

/**
 * Sessions by id.
 *
 * @example
 * ```ts
 * const sessions = new SessionStore({ ttlSeconds: 3600, maxSessions: 1000, maxPerAddress: 16, maxPerIp: 256 });
 * const s = sessions.create("0x...", "203.0.113.7");
 * sessions.get(s.id)?.address;
 * sessions.end(s.id);
 * ```
 */
export class SessionStore {
  #sessions: BoundedMap<string, Session>;
  #byAddress = new Map<string, Set<string>>();
  #byIp = new Map<string, Set<string>>();
  #o: SessionStoreOptions;
  #now: () => number;
  #ttlMs: number;
  #onEnd = new Set<(id: string) => void>();

  constructor(options: SessionStoreOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#ttlMs = options.ttlSeconds * 1000;
    this.#sessions = new BoundedMap({
      maxSize: options.maxSessions,
      ttlMs: this.#ttlMs,
      now: this.#now,
      // An expired or evicted session ends like a logout: its sockets close.
      onDrop: (id, session) => this.#ended(id, session),
    });
  }

  /** Starts a session for `address`, signed in from IP group `ip`. */
  create(address: Address, ip = "unknown"): Session {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    const id = encodeBase64Url(bytes);
    this.#makeRoom(this.#byAddress.get(address.toLowerCase()), this.#o.maxPerAddress);
    this.#makeRoom(this.#byIp.get(ip), this.#o.maxPerIp);
    const session = { id, address, ip, expiresAt: this.#now() + this.#ttlMs };
    this.#sessions.set(id, session);
    index(this.#byAddress, address.toLowerCase(), id);
    index(this.#byIp, ip, id);
    return session;
  }

  /** The live session with this id, if any. */
  get(id: string | undefined): Session | undefined {
    if (!id || id.length > 64) return undefined;
    return this.#sessions.get(id);
  }

  /** Ends a session and tells the listeners (sockets of that session close). */
  end(id: string): void {
    const session = this.#sessions.take(id);
    if (session) this.#ended(id, session);
  }

  /** Calls `listener(id)` whenever a session is ended. */
  onEnd(listener: (id: string) => void): void {
    this.#onEnd.add(listener);
  }

  /** Drops expired sessions (their listeners are told; the server calls this every minute). */
  sweep(): void {
    this.#sessions.sweep();
  }

  /** Sessions held, and the addresses and IP groups they belong to. */
  get sizes(): { sessions: number; addresses: number; ips: number } {
    return { sessions: this.#sessions.size, addresses: this.#byAddress.size, ips: this.#byIp.size };
  }

  /** Ends the oldest sessions of one address or IP group until one more fits its cap. */
  #makeRoom(ids: Set<string> | undefined, cap: number | undefined): void {
    // Bounded: each pass ends one session of the set.
    while (ids && cap !== undefined && ids.size >= cap) {
      const oldest = ids.values().next().value as string;
      if (this.#sessions.get(oldest)) this.end(oldest);
      ids.delete(oldest); // gone already (expired): forget it here too
    }
  }

  #ended(id: string, session: Session): void {
    unindex(this.#byAddress, session.address.toLowerCase(), id);
    unindex(this.#byIp, session.ip, id);
    for (const f of this.#onEnd) f(id);
  }
}

function index(map: Map<string, Set<string>>, key: string, id: string): void {
  let ids = map.get(key);
  if (!ids) map.set(key, ids = new Set());
  ids.add(id);
}

function unindex(map: Map<string, Set<string>>, key: string, id: string): void {
  const ids = map.get(key);
  if (!ids) return;
  ids.delete(id);
  if (ids.size === 0) map.delete(key);
}
