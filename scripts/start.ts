/**
 * `deno task start`: one command from a fresh clone to a running Mesh3.
 *
 * - With `MESH3_RPC_URL` set, it serves against that chain (the app reads `MESH3_REGISTRY` or the
 *   recorded deployment itself).
 * - Otherwise it reuses a node already answering on 127.0.0.1:8545 or starts one
 *   (`hardhat node`), deploys the RoomRegistry there with Ignition unless the recorded deployment
 *   is live on that chain, and passes `MESH3_RPC_URL`, `MESH3_CHAIN_ID` and `MESH3_REGISTRY` on.
 *
 * Then it runs the app server (`app/main.ts`) as a child. Ctrl-C or SIGTERM stops every child it
 * started; when the app exits, the chain it started stops too.
 *
 * @example
 * ```sh
 * deno task start          # http://localhost:8000
 * ```
 * @module
 */
import { type Hex, isHex } from "viem";
import { deployedRegistry } from "../app/chain/deployment.ts";
import { LOCAL_RPC_URL, probeChainId, spawnLocalNode, waitForNode } from "./chain.ts";
import { deployRegistry } from "./deploy.ts";

const APP_MAIN = new URL("../app/main.ts", import.meta.url);
const STOP_GRACE_MS = 5_000;

/** The processes started here (the cluster script adds its own). */
export const children: Deno.ChildProcess[] = [];
let stopping = false;

/** Stops the children, newest first: SIGTERM, then SIGKILL after a grace period. */
export async function stopChildren(): Promise<void> {
  for (const child of children.toReversed()) {
    try {
      child.kill("SIGTERM");
    } catch { /* already exited */ }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const killed = await Promise.race([
      child.status.then(() => false),
      new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(true), STOP_GRACE_MS)),
    ]);
    clearTimeout(timer);
    if (killed) {
      try {
        child.kill("SIGKILL");
      } catch { /* exited meanwhile */ }
      await child.status;
    }
  }
  children.length = 0;
}

async function exit(code: number): Promise<never> {
  stopping = true;
  await stopChildren();
  Deno.exit(code);
}

/** `env` with the local chain's `MESH3_RPC_URL`, `MESH3_CHAIN_ID` and `MESH3_REGISTRY` (found or
 * started, see {@linkcode localChain}) unless it names a chain already. */
export async function chainEnv(env: Record<string, string>): Promise<Record<string, string>> {
  if (env.MESH3_RPC_URL) return env;
  const { chainId, registry } = await localChain();
  console.log(`RoomRegistry ${registry} on chain ${chainId}.`);
  return {
    ...env,
    MESH3_RPC_URL: LOCAL_RPC_URL,
    MESH3_CHAIN_ID: String(chainId),
    MESH3_REGISTRY: registry,
  };
}

/** Finds or starts the local chain and makes sure it has a registry. */
export async function localChain(): Promise<{ chainId: number; registry: Hex }> {
  let chainId = await probeChainId(LOCAL_RPC_URL);
  if (chainId !== undefined) {
    console.log(`Using the chain already running on ${LOCAL_RPC_URL} (chain ${chainId}).`);
  } else {
    console.log(`Starting the local chain on ${LOCAL_RPC_URL}...`);
    const node = spawnLocalNode(true);
    children.push(node);
    chainId = await waitForNode(node);
  }
  const recorded = deployedRegistry(chainId);
  if (recorded !== undefined && await hasCode(recorded)) return { chainId, registry: recorded };
  // A recorded deployment without code means the local chain was restarted: start afresh.
  const { registry } = await deployRegistry({
    network: "localhost",
    reset: recorded !== undefined,
  });
  return { chainId, registry };
}

async function hasCode(address: Hex): Promise<boolean> {
  const res = await fetch(LOCAL_RPC_URL, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "eth_getCode",
      params: [address, "latest"],
    }),
  });
  const { result } = await res.json() as { result?: unknown };
  return typeof result === "string" && isHex(result) && result.length > 2;
}

/** Until app/main.ts exists: a minimal server that answers `/`. */
function fallbackServer(env: Record<string, string>): Deno.HttpServer {
  const hostname = env.MESH3_HOST ?? "127.0.0.1";
  const port = Number(env.MESH3_PORT ?? 8000);
  return Deno.serve(
    { hostname, port },
    (req) =>
      new URL(req.url).pathname === "/"
        ? new Response(`Mesh3: chain ${env.MESH3_RPC_URL}, registry ${env.MESH3_REGISTRY}\n`)
        : new Response("Not found\n", { status: 404 }),
  );
}

async function main(): Promise<void> {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      if (!stopping) exit(0);
    });
  }
  const env = await chainEnv(Deno.env.toObject());
  if (stopping) return;

  const hasApp = await Deno.stat(APP_MAIN).then(() => true, () => false);
  if (!hasApp) {
    const server = fallbackServer(env);
    await server.finished;
    return;
  }
  const app = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", APP_MAIN.pathname],
    env,
    stdin: "null",
  }).spawn();
  children.push(app);
  const { code } = await app.status;
  if (!stopping) await exit(code);
}

if (import.meta.main) {
  try {
    await main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    await exit(1);
  }
}
