/**
 * Single-use SIWE nonces in Redis: issued with an atomic set-if-absent and an expiry, consumed by
 * a delete (only the first delete on any instance finds the key).
 * @module
 */
import { bytesToHex } from "../../core/bytes.ts";
import { PREFIX, type RedisConnection } from "./redis_connection.ts";
import type { NonceBackend } from "./shared_state.ts";

/**
 * {@linkcode NonceBackend} on Redis.
 *
 * @example
 * ```ts ignore
 * // Needs a running redis-server.
 * const nonces = new RedisNonces(await RedisConnection.open(url), { ttlSeconds: 300 });
 * const n = await nonces.issue();
 * await nonces.consume(n); // true, on whichever instance
 * await nonces.consume(n); // false
 * ```
 */
export class RedisNonces implements NonceBackend {
  #c: RedisConnection;
  #ttlMs: number;

  constructor(c: RedisConnection, o: { ttlSeconds: number }) {
    this.#c = c;
    this.#ttlMs = o.ttlSeconds * 1000;
  }

  issue(): Promise<string> {
    return this.#c.run("issue a nonce", async (r) => {
      // Bounded: 128 random bits never collide in practice; NX makes a collision visible.
      for (let i = 0; i < 3; i++) {
        const nonce = bytesToHex(crypto.getRandomValues(new Uint8Array(16))).slice(2);
        if (await r.set(key(nonce), "1", "PX", this.#ttlMs, "NX") === "OK") return nonce;
      }
      throw new Error("nonce collision");
    });
  }

  consume(nonce: string): Promise<boolean> {
    if (!/^[0-9a-zA-Z]{1,64}$/.test(nonce)) return Promise.resolve(false);
    return this.#c.run("check the nonce", async (r) => await r.del(key(nonce)) === 1);
  }

  sweep(): void {
    // Redis expires nonces itself.
  }
}

function key(nonce: string): string {
  return `${PREFIX}n:${nonce}`;
}
