/**
 * {@linkcode SharedState} on Redis (`MESH3_REDIS_URL`): nonces, sessions, caps and rooms shared by
 * every instance that names the same Redis. Sessions are a shared store rather than signed stateless
 * cookies: a logout or a cap must end a session everywhere at once, which a stateless cookie
 * cannot do without a shared revocation list, i.e. a shared store anyway (docs/DECISIONS.md).
 * @module
 */
import type { CapLimits } from "../signaling/admission.ts";
import { ClusterRooms } from "./cluster_rooms.ts";
import { RedisCaps } from "./redis_caps.ts";
import { RedisConnection } from "./redis_connection.ts";
import { RedisNonces } from "./redis_nonces.ts";
import { RedisSessions } from "./redis_sessions.ts";
import type { SharedState, StateHealth } from "./shared_state.ts";
import type { MemoryStateOptions } from "./memory_state.ts";

/**
 * The shared state of a cluster, in Redis.
 *
 * @example
 * ```ts ignore
 * // Needs a running redis-server.
 * const state = await RedisState.open("redis://127.0.0.1:6379", {
 *   nonceTtlSeconds: 300, maxNonces: 1000, sessionTtlSeconds: 3600, maxSessions: 1000,
 * });
 * const nonce = await state.nonces.issue(); // consumable once, on any instance
 * await state.close();
 * ```
 */
export class RedisState implements SharedState {
  readonly kind = "redis";
  readonly conn: RedisConnection;
  readonly nonces: RedisNonces;
  readonly sessions: RedisSessions;

  readonly roomState: ClusterRooms;

  private constructor(
    conn: RedisConnection,
    sessions: RedisSessions,
    rooms: ClusterRooms,
    o: MemoryStateOptions,
  ) {
    this.conn = conn;
    this.roomState = rooms;
    this.nonces = new RedisNonces(conn, { ttlSeconds: o.nonceTtlSeconds });
    this.sessions = sessions;
  }

  /** Connects; throws a StateUnavailableError when Redis cannot be reached. */
  static async open(url: string, o: MemoryStateOptions): Promise<RedisState> {
    const conn = await RedisConnection.open(url);
    try {
      const sessions = await RedisSessions.open(conn, {
        ttlSeconds: o.sessionTtlSeconds,
        maxPerAddress: o.maxSessionsPerAddress,
        maxPerIp: o.maxSessionsPerIp,
        now: o.now,
      });
      return new RedisState(conn, sessions, await ClusterRooms.open(conn), o);
    } catch (e) {
      await conn.close();
      throw e;
    }
  }

  #caps: RedisCaps | undefined;

  /** This instance's caps (one count per instance: the first call's limits hold). */
  caps(limits: CapLimits): RedisCaps {
    return this.#caps ??= new RedisCaps(this.conn, limits);
  }

  rooms(): ClusterRooms {
    return this.roomState;
  }

  health(): StateHealth {
    return this.conn.healthy ? "ok" : "unavailable";
  }

  close(): Promise<void> {
    this.roomState.stop();
    return this.conn.close();
  }
}
