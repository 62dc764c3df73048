/**
 * One instance's connections to Redis: a command connection, a subscriber connection, this
 * instance's id and its heartbeat key (other instances treat an instance whose heartbeat has
 * expired as dead and forget what it counted), and {@linkcode RedisConnection.run}, which turns
 * any failure to reach Redis into a {@linkcode StateUnavailableError}. Commands are never queued
 * while Redis is away: they fail at once (fail closed), and the client reconnects by itself.
 * @module
 */
import type { Buffer } from "node:buffer";
import { Redis } from "ioredis";
import { bytesToHex } from "../../core/bytes.ts";
import { StateUnavailableError } from "./shared_state.ts";

/** Prefix of every key and channel Mesh3 uses in Redis. */
export const PREFIX = "mesh3:";
/** How often an instance renews its heartbeat. */
export const HEARTBEAT_MS = 1000;
/** How long a heartbeat lasts: an instance silent this long is dead to the others. */
export const HEARTBEAT_TTL_MS = 5000;

/** The heartbeat key of an instance. */
export function instanceKey(id: string): string {
  return `${PREFIX}inst:${id}`;
}

/**
 * Connects to Redis and keeps this instance's heartbeat.
 *
 * @example
 * ```ts ignore
 * // Needs a running redis-server.
 * const conn = await RedisConnection.open("redis://127.0.0.1:6379");
 * await conn.run("issue a nonce", (r) => r.set("mesh3:n:x", "1", "PX", 300_000, "NX"));
 * await conn.close();
 * ```
 */
export class RedisConnection {
  /** This instance's id (random, new at every start). */
  readonly id = bytesToHex(crypto.getRandomValues(new Uint8Array(8))).slice(2);
  readonly redis: Redis;
  readonly sub: Redis;
  #beat: ReturnType<typeof setInterval> | undefined;
  #onReady = new Set<() => void>();
  #channels = new Map<string, (message: Buffer) => void>();
  #closed = false;

  private constructor(url: string) {
    const options = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      connectTimeout: 2000,
      retryStrategy: (times: number) => Math.min(100 * times, 1000),
    };
    // Commands issued in one turn (a burst of relays to other instances) go out in one write.
    this.redis = new Redis(url, { ...options, enableAutoPipelining: true });
    this.sub = new Redis(url, options);
    // Errors are reported by the failing command; the client reconnects by itself.
    this.redis.on("error", () => {});
    this.sub.on("error", () => {});
    // Messages as bytes: frames for this instance's sockets are written as they came, and the
    // others are decoded by their handler (no "message" listener: ioredis then decodes none).
    this.sub.on("messageBuffer", (channel: Buffer, message: Buffer) => {
      this.#channels.get(channel.toString("latin1"))?.(message);
    });
  }

  /** Connects both connections and starts the heartbeat; throws a StateUnavailableError when
   * Redis cannot be reached at start. */
  static async open(url: string): Promise<RedisConnection> {
    const c = new RedisConnection(url);
    try {
      await Promise.all([c.redis.connect(), c.sub.connect()]);
    } catch {
      c.redis.disconnect();
      c.sub.disconnect();
      throw new StateUnavailableError("start");
    }
    await c.#heartbeat();
    c.#beat = setInterval(() => {
      // A heartbeat found expired: this instance was too busy to renew it in time, and the
      // others have dropped what it holds. It writes it all again, as after a reconnect.
      void c.#heartbeat().then((renewed) => {
        if (!renewed) { for (const f of c.#onReady) f(); }
      }, () => {});
    }, HEARTBEAT_MS);
    // After a reconnect (Redis restarted, or the network came back) the owners of shared state
    // write what they hold again: Redis may have lost it.
    let first = true;
    c.redis.on("ready", () => {
      if (first) return void (first = false);
      void c.#heartbeat().catch(() => {});
      for (const f of c.#onReady) f();
    });
    first = false;
    return c;
  }

  /** Whether the command connection is up now. */
  get healthy(): boolean {
    return this.redis.status === "ready" && this.sub.status === "ready";
  }

  /** Calls `f` after every reconnect (not the first connect), and when this instance finds its
   * heartbeat had expired (the others took it for dead). */
  onReconnect(f: () => void): void {
    this.#onReady.add(f);
  }

  /**
   * Runs Redis commands; any failure to reach Redis becomes a StateUnavailableError.
   *
   * @param action What is being done, for the error ("issue a nonce": "Cannot issue a nonce: ...").
   * @param f The commands.
   */
  async run<T>(action: string, f: (r: Redis) => Promise<T>): Promise<T> {
    if (this.#closed || this.redis.status !== "ready") throw new StateUnavailableError(action);
    try {
      return await f(this.redis);
    } catch {
      throw new StateUnavailableError(action);
    }
  }

  /**
   * Calls `handler` with every message published on `channel` (one handler per channel; the
   * subscription is renewed by the client after a reconnect).
   */
  subscribe(channel: string, handler: (message: string) => void): Promise<void> {
    return this.subscribeBytes(channel, (m) => handler(m.toString()));
  }

  /** As {@linkcode RedisConnection.subscribe}, with each message as the bytes published. */
  async subscribeBytes(channel: string, handler: (message: Buffer) => void): Promise<void> {
    this.#channels.set(channel, handler);
    try {
      await this.sub.subscribe(channel);
    } catch {
      this.#channels.delete(channel);
      throw new StateUnavailableError("subscribe");
    }
  }

  /** Stops listening on `channel`. */
  unsubscribe(channel: string): void {
    this.#channels.delete(channel);
    this.sub.unsubscribe(channel).catch(() => {});
  }

  /** Stops the heartbeat (and removes it: the others see this instance gone at once) and closes
   * both connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#beat);
    try {
      if (this.redis.status === "ready") await this.redis.del(instanceKey(this.id));
    } catch {
      // gone already
    }
    this.redis.disconnect();
    this.sub.disconnect();
  }

  /** Renews the heartbeat; false when it had expired. */
  async #heartbeat(): Promise<boolean> {
    const old = await this.redis.set(instanceKey(this.id), "1", "PX", HEARTBEAT_TTL_MS, "GET");
    return old !== null;
  }
}
