/**
 * The set-up the server's signaling tests share: a real test chain (or the one a test passes in),
 * the real server on it, and every socket the test opens, all ended by one `close()`.
 * @module
 */
import type { Address, Hex, PrivateKeyAccount } from "viem";
import { startTestChain, type TestChain } from "./chain.ts";
import { startRedis, type TestRedis } from "./redis.ts";
import { Client, ORIGIN, type RunningServer, signIn, startServer } from "./server.ts";

/** A signed-in, connected development account. */
export interface Connected {
  c: Client;
  account: PrivateKeyAccount;
  address: Address;
  cookie: string;
}

/** A chain, a server and the test's sockets. */
export interface SignalingBed {
  readonly chain: TestChain;
  readonly srv: RunningServer;
  /** Every instance (`srv` first): one unless the bed runs a cluster. */
  readonly servers: RunningServer[];
  /** The sockets opened through the bed (a test may take out one it replaced). */
  readonly clients: Client[];
  /** Connects a socket with a session cookie (and extra request headers, e.g. the
   * `X-Forwarded-For` a server with `MESH3_TRUST_PROXY=1` counts the socket against). */
  open(cookie: string, headers?: Record<string, string>): Promise<Client>;
  /** Signs in development account `index` (or any private key) and connects a socket; `headers`
   * go with the sign-in requests and the upgrade. */
  connect(index: number | Hex, headers?: Record<string, string>): Promise<Connected>;
  /** Closes the sockets and the server, and the chain when the bed started it. */
  close(): Promise<void>;
}

/**
 * Starts the server (and a chain unless one is given) for a signaling test.
 *
 * @param o `MESH3_*` variables for the server, a chain to reuse, and how many instances (on one
 *   Redis; default `MESH3_TEST_INSTANCES`, else 1).
 * @returns The bed; call `close()` in a `finally`.
 *
 * @example
 * ```ts ignore
 * const bed = await startSignalingBed({ env: { MESH3_MAX_PEERS_PER_ROOM: "2" } });
 * try {
 *   const alice = await bed.connect(1);
 *   alice.c.send({ v: 1, type: "ping" });
 * } finally {
 *   await bed.close();
 * }
 * ```
 */
export async function startSignalingBed(
  o: { env?: Record<string, string>; chain?: TestChain; instances?: number } = {},
): Promise<SignalingBed> {
  const chain = o.chain ?? await startTestChain();
  // MESH3_TEST_INSTANCES=N (N > 1): the same test against N instances on one real redis-server,
  // its sockets spread over them in turn (sign-ins and `srv` stay on the first).
  // `instances` chooses it for one test.
  const n = o.instances ?? Number(Deno.env.get("MESH3_TEST_INSTANCES") ?? "1");
  let redis: TestRedis | undefined;
  const servers: RunningServer[] = [];
  try {
    if (n > 1) redis = await startRedis();
    const env = redis ? { ...o.env, MESH3_REDIS_URL: redis.url } : o.env;
    for (let i = 0; i < Math.max(1, n); i++) servers.push(await startServer(chain, env));
  } catch (e) {
    for (const s of servers) await s.stop();
    await redis?.dispose();
    if (!o.chain) await chain.stop();
    throw e;
  }
  const srv = servers[0];
  const clients: Client[] = [];
  let opened = 0;
  const open = async (cookie: string, headers: Record<string, string> = {}) => {
    const at = servers[opened++ % servers.length];
    const c = await Client.connect(at.wsUrl, cookie, ORIGIN, headers);
    clients.push(c);
    return c;
  };
  return {
    chain,
    srv,
    servers,
    clients,
    open,
    async connect(index, headers = {}) {
      const { account, cookie } = await signIn(srv.base, chain, index, headers);
      return { c: await open(cookie, headers), account, address: account.address, cookie };
    },
    async close() {
      try {
        for (const c of clients.splice(0)) await c.close();
        for (const s of servers) await s.stop();
        await redis?.dispose();
      } finally {
        if (!o.chain) await chain.stop();
      }
    },
  };
}
