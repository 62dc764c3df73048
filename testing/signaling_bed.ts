/**
 * The set-up the server's signaling tests share: a real test chain (or the one a test passes in),
 * the real server on it, and every socket the test opens, all ended by one `close()`.
 * @module
 */
import type { Address, Hex, PrivateKeyAccount } from "viem";
import { startTestChain, type TestChain } from "./chain.ts";
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
 * @param o `MESH3_*` variables for the server, and a chain to reuse.
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
  o: { env?: Record<string, string>; chain?: TestChain } = {},
): Promise<SignalingBed> {
  const chain = o.chain ?? await startTestChain();
  let srv: RunningServer;
  try {
    srv = await startServer(chain, o.env);
  } catch (e) {
    if (!o.chain) await chain.stop();
    throw e;
  }
  const clients: Client[] = [];
  const open = async (cookie: string, headers: Record<string, string> = {}) => {
    const c = await Client.connect(srv.wsUrl, cookie, ORIGIN, headers);
    clients.push(c);
    return c;
  };
  return {
    chain,
    srv,
    clients,
    open,
    async connect(index, headers = {}) {
      const { account, cookie } = await signIn(srv.base, chain, index, headers);
      return { c: await open(cookie, headers), account, address: account.address, cookie };
    },
    async close() {
      try {
        for (const c of clients.splice(0)) await c.close();
        await srv.stop();
      } finally {
        if (!o.chain) await chain.stop();
      }
    },
  };
}
