/**
 * The per-IP and per-address socket caps counted over every instance. Each instance counts its
 * own sockets in memory ({@linkcode MemoryAdmission}, which also holds the per-instance total
 * `maxSockets`: a bound on this process's memory) and mirrors its counts into Redis, one hash per
 * IP and per address with a field per instance. A new socket is admitted when this instance's
 * count plus the fields of the live instances stay under the cap (one Lua script); fields of
 * instances whose heartbeat expired are dropped on the way, so a killed instance frees its
 * sockets' places within a heartbeat. After Redis comes back, each instance writes its counts
 * again. Two sockets for one address admitted in the same round trip on two instances may pass
 * the cap by one each: the check and the count are one step per instance, not over all (exact
 * within an instance).
 * @module
 */
import {
  type CapLimits,
  type ConnectionCaps,
  type CountedSocket,
  MemoryAdmission,
} from "../signaling/admission.ts";
import type { AdmissionStats } from "../signaling/admission.ts";
import { instanceKey, PREFIX, type RedisConnection } from "./redis_connection.ts";

/** The sockets the other live instances count for the IP and for the address. */
const OTHERS = `
local function others(key)
  local n = 0
  local h = redis.call('HGETALL', key)
  for i = 1, #h, 2 do
    if h[i] ~= ARGV[1] then
      if redis.call('EXISTS', ARGV[2] .. h[i]) == 1 then n = n + tonumber(h[i + 1])
      else redis.call('HDEL', key, h[i]) end
    end
  end
  return n
end
return { others(KEYS[1]), others(KEYS[2]) }`;

/** How long a place admitted by {@linkcode RedisCaps.refusal} is held for its socket. */
const RESERVATION_MS = 5000;

/** Sets this instance's field to the count, or removes it at zero. */
const SET = `
if tonumber(ARGV[2]) > 0 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
else redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0`;

/**
 * {@linkcode ConnectionCaps} over every instance.
 *
 * @example
 * ```ts ignore
 * // Needs a running redis-server.
 * const caps = new RedisCaps(conn, { maxSockets: 1000, maxSocketsPerIp: 32, maxSocketsPerAddress: 8 });
 * await caps.refusal("203.0.113.7", "0x7099..."); // null, or why not
 * ```
 */
export class RedisCaps implements ConnectionCaps {
  #c: RedisConnection;
  #limits: CapLimits;
  #local: MemoryAdmission;
  /** The last count written to Redis. */
  #written: Promise<unknown> = Promise.resolve();
  /** Places admitted and not counted yet, by IP and address key. */
  #reserved = new Map<string, number>();

  constructor(c: RedisConnection, limits: CapLimits) {
    this.#c = c;
    this.#limits = limits;
    this.#local = new MemoryAdmission(limits);
    c.onReconnect(() => this.#rewrite());
  }

  async refusal(ip: string, key: string): Promise<string | null> {
    if (this.#verdict(ip, key, 0, 0)) return this.#verdict(ip, key, 0, 0);
    const [ips, addresses] = await this.#c.run(
      "connect",
      (r) => r.eval(OTHERS, 2, ipKey(ip), addressKey(key), this.#c.id, instanceKey("")),
    ) as [number, number];
    // Decided and reserved in one turn with this instance's counts as they are now: two
    // upgrades in flight here cannot both take the last place.
    const refusal = this.#verdict(ip, key, ips, addresses);
    if (refusal === null) this.#reserve(ip, key, 1);
    return refusal;
  }

  #verdict(ip: string, key: string, ips: number, addresses: number): string | null {
    const local = this.#local.refusal(ip, key);
    if (local) return local;
    const own = this.#local.countOf(ip, key);
    const l = this.#limits;
    if (ips + own.ip + (this.#reserved.get(ipKey(ip)) ?? 0) >= l.maxSocketsPerIp) {
      return "Cannot connect: too many sockets from this IP address";
    }
    if (
      addresses + own.address + (this.#reserved.get(addressKey(key)) ?? 0) >= l.maxSocketsPerAddress
    ) {
      return "Cannot connect: too many sockets for this address";
    }
    return null;
  }

  /** Holds (or frees) a place admitted but not counted yet; a place never counted is freed
   * after {@linkcode RESERVATION_MS}. */
  #reserve(ip: string, key: string, by: 1 | -1): void {
    for (const k of [ipKey(ip), addressKey(key)]) {
      const n = (this.#reserved.get(k) ?? 0) + by;
      if (n <= 0) this.#reserved.delete(k);
      else this.#reserved.set(k, n);
    }
    if (by === 1) {
      Deno.unrefTimer(setTimeout(() => {
        if ((this.#reserved.get(addressKey(key)) ?? 0) > 0) this.#reserve(ip, key, -1);
      }, RESERVATION_MS));
    }
  }

  count(socket: CountedSocket): void {
    if ((this.#reserved.get(addressKey(socket.key)) ?? 0) > 0) {
      this.#reserve(socket.ip, socket.key, -1);
    }
    this.#local.count(socket);
    this.#write(socket.ip, socket.key);
  }

  release(socket: CountedSocket): boolean {
    if (!this.#local.release(socket)) return false;
    this.#write(socket.ip, socket.key);
    return true;
  }

  stats(): AdmissionStats {
    return this.#local.stats();
  }

  async flush(): Promise<void> {
    // Replies come in order on the one connection: the last write's is the last to come.
    await this.#written;
  }

  /** Mirrors this instance's counts for `ip` and `key` (in order on the one connection; a
   * failure is repaired by the rewrite after the reconnect). */
  #write(ip: string, key: string): void {
    const own = this.#local.countOf(ip, key);
    const r = this.#c.redis;
    if (r.status !== "ready") return;
    r.eval(SET, 1, ipKey(ip), this.#c.id, own.ip).catch(() => {});
    this.#written = r.eval(SET, 1, addressKey(key), this.#c.id, own.address).catch(() => {});
  }

  #rewrite(): void {
    const { ips, addresses } = this.#local.counts();
    const r = this.#c.redis;
    for (const [ip, n] of ips) r.eval(SET, 1, ipKey(ip), this.#c.id, n).catch(() => {});
    for (const [k, n] of addresses) r.eval(SET, 1, addressKey(k), this.#c.id, n).catch(() => {});
  }
}

function ipKey(ip: string): string {
  return `${PREFIX}ci:${ip}`;
}

function addressKey(key: string): string {
  return `${PREFIX}ca:${key}`;
}
