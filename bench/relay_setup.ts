/**
 * What the relay benchmarks set up before they measure: the raised server limits and a bench
 * Mesh3 server's environment, the server processes (a Deno server from bench/servers/, the PeerJS server under Node.js), and
 * a server's memory read from its `/__bench/stats` endpoint.
 * @module
 */
import { ORIGIN, UNLIMITED_READS } from "../testing/server.ts";
import type { TestChain } from "../testing/chain.ts";
import { type ServerProcess, spawnServer } from "./process.ts";

const BENCH = new URL("./", import.meta.url).pathname;

/** Limits raised for the bench (per-socket rate limit, per-IP caps: all clients are 127.0.0.1). */
export const BENCH_LIMITS: Record<string, string> = {
  MESH3_RATE_PER_SECOND: "1000000",
  MESH3_RATE_BURST: "1000",
  MESH3_MAX_SOCKETS: "100000",
  MESH3_MAX_SOCKETS_PER_IP: "100000",
  MESH3_AUTH_PER_MINUTE_PER_IP: "1000000",
  MESH3_MAX_SESSIONS: "100000",
  MESH3_MAX_SESSIONS_PER_IP: "100000",
  MESH3_MAX_NONCES: "100000",
  ...UNLIMITED_READS,
};

/**
 * A server's resident memory and, when its `/__bench/stats` endpoint answers, its V8 heap after
 * a full GC (null when it does not).
 *
 * @param p The running server.
 * @returns RSS and heap used, in bytes.
 *
 * @example
 * ```ts ignore
 * const before = await serverStats(mesh);
 * ```
 */
export async function serverStats(
  p: ServerProcess,
): Promise<{ rss: number; heapUsed: number | null }> {
  const rss = await p.rss();
  try {
    const s = await (await fetch(`http://127.0.0.1:${p.port}/__bench/stats`)).json();
    return { rss, heapUsed: s.heapUsed };
  } catch {
    return { rss, heapUsed: null };
  }
}

/**
 * Starts a Deno server from bench/servers/ with `--expose-gc` (so its stats can collect first),
 * and with the inspector on `inspectPort` when one is given.
 *
 * @param name For logs (stderr goes to bench/out/<name>.log).
 * @param script The file under bench/servers/.
 * @param env Extra environment.
 * @param inspectPort Where the inspector listens (none when left out).
 * @returns The running process.
 *
 * @example
 * ```ts ignore
 * const bare = await denoServer("bare", "bare_relay.ts");
 * try { console.log(bare.port); } finally { await bare.stop(); }
 * ```
 */
export function denoServer(
  name: string,
  script: string,
  env: Record<string, string> = {},
  inspectPort?: number,
): Promise<ServerProcess> {
  return spawnServer(
    name,
    Deno.execPath(),
    [
      "run",
      "-A",
      "--v8-flags=--expose-gc",
      ...(inspectPort ? [`--inspect=127.0.0.1:${inspectPort}`] : []),
      `${BENCH}servers/${script}`,
    ],
    env,
  );
}

/**
 * The environment of a bench Mesh3 server (servers/mesh3_server.ts) on `chain`: the chain, the
 * test origin, a 200 ms event poll and {@linkcode BENCH_LIMITS}.
 *
 * @example
 * ```ts ignore
 * // Needs a test chain (testing/chain.ts).
 * const env = benchServerEnv(chain);
 * const server = await spawnServer("mesh3", Deno.execPath(), ["run", "-A", script], env);
 * ```
 */
export function benchServerEnv(chain: TestChain): Record<string, string> {
  return {
    MESH3_RPC_URL: chain.rpcUrl,
    MESH3_CHAIN_ID: String(chain.chainId),
    MESH3_REGISTRY: chain.registry,
    MESH3_PUBLIC_ORIGIN: ORIGIN,
    MESH3_CHAIN_POLL_MS: "200",
    ...BENCH_LIMITS,
  };
}

/** Starts the PeerJS server with Node.js from the npm install under bench/out/peerjs. */
export async function startPeerJs(): Promise<ServerProcess> {
  const dir = `${BENCH}out/peerjs`;
  await Deno.mkdir(dir, { recursive: true });
  await Deno.copyFile(`${BENCH}peerjs/package.json`, `${dir}/package.json`);
  const out = await new Deno.Command("npm", {
    args: ["install", "--no-audit", "--no-fund", "--omit=dev", "--loglevel=error"],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`Cannot install the PeerJS server: ${new TextDecoder().decode(out.stderr)}`);
  }
  return await spawnServer("peerjs", "node", [`${BENCH}servers/peerjs_server.mjs`, dir]);
}
