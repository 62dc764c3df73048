/**
 * Connection admission: the sockets counted against the caps (in total, per IP address and per
 * wallet address) and whether one more may open. A socket keeps its place from its upgrade until
 * its connection has ended, including after the server closed it: a client that never finishes
 * the close handshake keeps its TCP connection open, and Deno cannot abort it, so counting it is
 * what bounds such connections per IP and address.
 *
 * {@linkcode ConnectionCaps} is what the hub needs; {@linkcode MemoryAdmission} keeps the counts
 * in this process; `RedisCaps` (app/server/state/redis_caps.ts) counts over every instance.
 * @module
 */

/** A counted socket: where it comes from and whose it is. */
export interface CountedSocket {
  /** The client's IP address. */
  readonly ip: string;
  /** The signed-in wallet address, in lower case. */
  readonly key: string;
}

/** The caps on counted sockets. */
export interface CapLimits {
  maxSockets: number;
  maxSocketsPerIp: number;
  maxSocketsPerAddress: number;
}

/** Sizes of the admission state. */
export interface AdmissionStats {
  /** Sockets counted against the caps. */
  counted: number;
  /** Entries in the per-IP counter. */
  ips: number;
  /** Entries in the per-address counter. */
  addresses: number;
}

/** The connection caps, as the hub uses them. */
export interface ConnectionCaps {
  /** Why one more socket from `ip` for `key` is refused, or null when it may open (a promise
   * when the counts are shared between instances; a null from a promise holds the place for a
   * few seconds: {@linkcode count} the socket in the turn it settles). */
  refusal(ip: string, key: string): string | null | Promise<string | null>;
  /** Counts a socket (after {@linkcode refusal} said yes). */
  count(socket: CountedSocket): void;
  /** Frees a socket's place; false when it was not counted (or already freed). */
  release(socket: CountedSocket): boolean;
  /** Sizes, for tests and load checks. */
  stats(): AdmissionStats;
  /** Resolves once the counts so far can be seen by every instance (shared counts only). */
  flush?(): Promise<void>;
}

/**
 * {@linkcode ConnectionCaps} in this process's memory.
 *
 * @example
 * ```ts
 * const caps = new MemoryAdmission({ maxSockets: 100, maxSocketsPerIp: 2, maxSocketsPerAddress: 1 });
 * const socket = { ip: "127.0.0.1", key: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8" };
 * caps.refusal(socket.ip, socket.key); // null
 * caps.count(socket);
 * caps.refusal(socket.ip, socket.key); // "Cannot connect: too many sockets for this address"
 * caps.release(socket); // true
 * ```
 */
export class MemoryAdmission implements ConnectionCaps {
  #limits: CapLimits;
  #counted = new Set<CountedSocket>();
  #perIp = new Map<string, number>();
  #perAddress = new Map<string, number>();

  constructor(limits: CapLimits) {
    this.#limits = limits;
  }

  refusal(ip: string, key: string): string | null {
    const l = this.#limits;
    if (this.#counted.size >= l.maxSockets) return "Cannot connect: the server is full";
    if ((this.#perIp.get(ip) ?? 0) >= l.maxSocketsPerIp) {
      return "Cannot connect: too many sockets from this IP address";
    }
    if ((this.#perAddress.get(key) ?? 0) >= l.maxSocketsPerAddress) {
      return "Cannot connect: too many sockets for this address";
    }
    return null;
  }

  count(socket: CountedSocket): void {
    if (this.#counted.has(socket)) return;
    this.#counted.add(socket);
    bump(this.#perIp, socket.ip, 1);
    bump(this.#perAddress, socket.key, 1);
  }

  release(socket: CountedSocket): boolean {
    if (!this.#counted.delete(socket)) return false;
    bump(this.#perIp, socket.ip, -1);
    bump(this.#perAddress, socket.key, -1);
    return true;
  }

  /** The counts per IP address and per wallet address (to write them again elsewhere). */
  counts(): { ips: ReadonlyMap<string, number>; addresses: ReadonlyMap<string, number> } {
    return { ips: this.#perIp, addresses: this.#perAddress };
  }

  /** How many sockets are counted for `ip` and for `key`. */
  countOf(ip: string, key: string): { ip: number; address: number } {
    return { ip: this.#perIp.get(ip) ?? 0, address: this.#perAddress.get(key) ?? 0 };
  }

  stats(): AdmissionStats {
    return { counted: this.#counted.size, ips: this.#perIp.size, addresses: this.#perAddress.size };
  }
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}
