/**
 * `deno task chain`: the local development chain, Hardhat's node (EDR) on 127.0.0.1:8545 with
 * chain id 31337 and the 20 funded development accounts. Also the helpers `deno task start`
 * uses to start or find it.
 *
 * @example
 * ```sh
 * deno task chain        # then, in another terminal: deno task deploy
 * ```
 * @module
 */

/** Where the local node listens (the `localhost` network of hardhat.config.ts). */
export const LOCAL_HOST = "127.0.0.1";
export const LOCAL_PORT = 8545;
export const LOCAL_RPC_URL = `http://${LOCAL_HOST}:${LOCAL_PORT}`;
const HARDHAT = "npm:hardhat@3.18.0";

/**
 * Asks a JSON-RPC endpoint for its chain id.
 *
 * @param url The endpoint.
 * @param timeoutMs How long to wait for the answer.
 * @returns The chain id, or undefined when nothing answers like an Ethereum node.
 */
export async function probeChainId(url: string, timeoutMs = 1_000): Promise<number | undefined> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await res.json() as { result?: unknown };
    const chainId = typeof body.result === "string" ? Number(body.result) : NaN;
    return Number.isSafeInteger(chainId) && chainId > 0 ? chainId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts `hardhat node` on 127.0.0.1:8545 as a child process.
 *
 * @param quiet Drop the node's per-request log (keeps its errors).
 * @returns The child; stop it with `kill("SIGTERM")`.
 */
export function spawnLocalNode(quiet = false): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", HARDHAT, "node", "--hostname", LOCAL_HOST, "--port", String(LOCAL_PORT)],
    stdin: "null",
    stdout: quiet ? "null" : "inherit",
    stderr: "inherit",
  }).spawn();
}

/**
 * Waits until the node answers, or fails.
 *
 * @param child The node process (its exit ends the wait early).
 * @param timeoutMs Upper bound.
 * @returns The chain id.
 * @throws {Error} When the node exits or does not answer in time.
 */
export async function waitForNode(child: Deno.ChildProcess, timeoutMs = 60_000): Promise<number> {
  let exited = false;
  child.status.then(() => exited = true);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !exited) {
    const chainId = await probeChainId(LOCAL_RPC_URL, 500);
    if (chainId !== undefined) return chainId;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    exited
      ? `Cannot start the local chain: hardhat node exited (is port ${LOCAL_PORT} taken?)`
      : `Cannot start the local chain: nothing answered on ${LOCAL_RPC_URL} within ${timeoutMs} ms`,
  );
}

if (import.meta.main) {
  if (await probeChainId(LOCAL_RPC_URL) !== undefined) {
    console.error(`Cannot start the local chain: a node already answers on ${LOCAL_RPC_URL}.`);
    Deno.exit(1);
  }
  const child = spawnLocalNode();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
    });
  }
  Deno.exit((await child.status).code);
}
