/**
 * Sessions in Redis, valid on every instance: one key per session (JSON, expiring with it), and
 * per address and per IP group a sorted set of its sessions by age, so that signing in beyond a
 * cap ends that address's (or IP's) own oldest session, atomically (one Lua script). Ends are
 * published on one channel that every instance follows: a logout on one instance closes the
 * session's sockets on all. Each instance remembers the sessions its sockets use, so the check
 * made on every frame ({@linkcode RedisSessions.live}) needs no round trip.
 * @module
 */
import type { Address } from "viem";
import { encodeBase64Url } from "../../core/bytes.ts";
import type { Session } from "../auth/sessions.ts";
import { PREFIX, type RedisConnection } from "./redis_connection.ts";
import type { SessionBackend } from "./shared_state.ts";

const ENDED = `${PREFIX}ended`;
const SESSION = `${PREFIX}s:`;
/** Orders the sessions made in one millisecond. */
const SEQUENCE = `${PREFIX}sseq`;

/** Makes room under both caps, then stores the session. Returns nothing (ends are published). */
const CREATE = `
local function trim(z, cap)
  redis.call('ZREMRANGEBYSCORE', z, '-inf', tonumber(ARGV[4]) - tonumber(ARGV[3]))
  if cap <= 0 then return end
  while redis.call('ZCARD', z) >= cap do
    local id = redis.call('ZPOPMIN', z)[1]
    if redis.call('DEL', ARGV[7] .. id) == 1 then redis.call('PUBLISH', ARGV[8], id) end
  end
end
trim(KEYS[2], tonumber(ARGV[5]))
trim(KEYS[3], tonumber(ARGV[6]))
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
-- Sessions made in the same millisecond keep their order: a member's score is its time plus a
-- sequence number's fraction (ties would go by the random id, ending any of them).
local score = tonumber(ARGV[4]) + (redis.call('INCR', KEYS[4]) % 1000) / 1000
for i = 2, 3 do
  redis.call('ZADD', KEYS[i], score, ARGV[1])
  redis.call('PEXPIRE', KEYS[i], ARGV[3])
end
return 0`;

/** Ends one session: deletes it, unindexes it and publishes the end. */
const END = `
local s = redis.call('GET', KEYS[1])
if not s then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[1])
return 1`;

/** Options of {@linkcode RedisSessions}. */
export interface RedisSessionsOptions {
  ttlSeconds: number;
  maxPerAddress?: number;
  maxPerIp?: number;
  now?: () => number;
}

/**
 * {@linkcode SessionBackend} on Redis.
 *
 * @example
 * ```ts ignore
 * // Needs a running redis-server.
 * const sessions = await RedisSessions.open(conn, { ttlSeconds: 3600, maxPerAddress: 16 });
 * const s = await sessions.create("0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "203.0.113.7");
 * (await sessions.get(s.id))?.address; // on any instance
 * await sessions.end(s.id); // its sockets close on every instance
 * ```
 */
export class RedisSessions implements SessionBackend {
  #c: RedisConnection;
  #o: RedisSessionsOptions;
  #now: () => number;
  /** Sessions seen live here (by `get` or `create`), until they end or expire. */
  #seen = new Map<string, Session>();
  #onEnd = new Set<(id: string) => void>();

  private constructor(c: RedisConnection, o: RedisSessionsOptions) {
    this.#c = c;
    this.#o = o;
    this.#now = o.now ?? Date.now;
  }

  /** Follows the channel of ended sessions, then returns the store. */
  static async open(c: RedisConnection, o: RedisSessionsOptions): Promise<RedisSessions> {
    const s = new RedisSessions(c, o);
    await c.subscribe(ENDED, (id) => s.#ended(id));
    return s;
  }

  create(address: Address, ip: string): Promise<Session> {
    return this.#c.run("sign in", async (r) => {
      const id = encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)));
      const now = this.#now();
      const ttlMs = this.#o.ttlSeconds * 1000;
      const session: Session = { id, address, ip, expiresAt: now + ttlMs };
      await r.eval(
        CREATE,
        4,
        SESSION + id,
        byAddress(address),
        byIp(ip),
        SEQUENCE,
        id,
        JSON.stringify(session),
        ttlMs,
        now,
        this.#o.maxPerAddress ?? 0,
        this.#o.maxPerIp ?? 0,
        SESSION,
        ENDED,
      );
      this.#seen.set(id, session);
      return session;
    });
  }

  get(id: string | undefined): Promise<Session | undefined> {
    if (!id || id.length > 64) return Promise.resolve(undefined);
    return this.#c.run("check the session", async (r) => {
      const raw = await r.get(SESSION + id);
      const session = raw === null ? undefined : parseSession(raw);
      if (session === undefined || session.expiresAt <= this.#now()) {
        this.#seen.delete(id);
        return undefined;
      }
      this.#seen.set(id, session);
      return session;
    });
  }

  end(id: string): Promise<void> {
    return this.#c.run("sign out", async (r) => {
      const raw = await r.get(SESSION + id);
      const session = raw === null ? undefined : parseSession(raw);
      if (session === undefined) return;
      await r.eval(END, 3, SESSION + id, byAddress(session.address), byIp(session.ip), id, ENDED);
    });
  }

  live(id: string): boolean {
    const s = this.#seen.get(id);
    return s !== undefined && s.expiresAt > this.#now();
  }

  onEnd(listener: (id: string) => void): void {
    this.#onEnd.add(listener);
  }

  sweep(): void {
    const now = this.#now();
    for (const [id, s] of this.#seen) if (s.expiresAt <= now) this.#ended(id);
  }

  #ended(id: string): void {
    this.#seen.delete(id);
    for (const f of this.#onEnd) f(id);
  }
}

function byAddress(address: string): string {
  return `${PREFIX}sa:${address.toLowerCase()}`;
}

function byIp(ip: string): string {
  return `${PREFIX}si:${ip}`;
}

/** A session as stored; anything else (a foreign or damaged value) reads as no session. */
function parseSession(raw: string): Session | undefined {
  try {
    const s = JSON.parse(raw);
    if (
      typeof s?.id === "string" && typeof s.address === "string" && typeof s.ip === "string" &&
      typeof s.expiresAt === "number"
    ) return { id: s.id, address: s.address, ip: s.ip, expiresAt: s.expiresAt };
  } catch {
    // not JSON
  }
  return undefined;
}
