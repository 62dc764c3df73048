/**
 * `deno task cluster`: Mesh3 as a local cluster: the local chain (as `deno task start` finds or
 * starts it), Debian's `redis-server`, three instances of the app on that Redis, and HAProxy in
 * front with `deploy/haproxy/haproxy.cfg`. Open the balancer's address; kill an instance
 * (`kill -9`) to watch its clients come back through another.
 *
 * Ports: the balancer on `MESH3_CLUSTER_PORT` (8000), instances on the three ports after it,
 * Redis on `MESH3_CLUSTER_REDIS_PORT` (6390), its append-only file in a temporary folder.
 * Ctrl-C stops everything it started.
 *
 * @example
 * ```sh
 * deno task cluster        # http://localhost:8000 → instances on 8001, 8002, 8003
 * ```
 * @module
 */
import { redisServerArgs } from "../testing/redis.ts";
import { chainEnv, children, stopChildren } from "./start.ts";

const APP_MAIN = new URL("../app/main.ts", import.meta.url).pathname;
const HAPROXY_CONFIG = new URL("../deploy/haproxy/haproxy.cfg", import.meta.url).pathname;

function spawn(command: string, args: string[], env: Record<string, string> = {}) {
  const child = new Deno.Command(command, { args, env, stdin: "null" }).spawn();
  children.push(child);
  return child;
}

/** Waits until something accepts connections on `port` (bounded: 200 tries, 20 s). */
async function waitForPort(port: number, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`Cannot start the cluster: ${what} does not listen on port ${port}`);
}

async function main(): Promise<void> {
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await stopChildren();
    Deno.exit(code);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => void stop(0));
  }
  const env = await chainEnv(Deno.env.toObject());
  const port = Number(env.MESH3_CLUSTER_PORT ?? 8000);
  const redisPort = Number(env.MESH3_CLUSTER_REDIS_PORT ?? 6390);
  const dir = await Deno.makeTempDir({ prefix: "mesh3-cluster-redis-" });
  spawn("redis-server", redisServerArgs(redisPort, dir));
  await waitForPort(redisPort, "redis-server");
  const instancePorts = [1, 2, 3].map((i) => port + i);
  for (const p of instancePorts) {
    spawn(Deno.execPath(), ["run", "-A", APP_MAIN], {
      ...env,
      MESH3_HOST: "127.0.0.1",
      MESH3_PORT: String(p),
      MESH3_PUBLIC_ORIGIN: env.MESH3_PUBLIC_ORIGIN ?? `http://localhost:${port}`,
      MESH3_ALLOWED_ORIGINS: env.MESH3_ALLOWED_ORIGINS ?? `http://127.0.0.1:${port}`,
      MESH3_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      MESH3_TRUST_PROXY: "1",
    });
  }
  for (const p of instancePorts) await waitForPort(p, "a Mesh3 instance");
  spawn("haproxy", ["-db", "-f", HAPROXY_CONFIG], {
    MESH3_LB_BIND: `127.0.0.1:${port}`,
    ...Object.fromEntries(
      instancePorts.map((p, i) => [`MESH3_INSTANCE_${i + 1}`, `127.0.0.1:${p}`]),
    ),
  });
  await waitForPort(port, "haproxy");
  console.log(
    `Mesh3 cluster on http://localhost:${port}: instances on ${instancePorts.join(", ")}, ` +
      `Redis on ${redisPort}. Ctrl-C stops it.`,
  );
  // Runs until Ctrl-C (an instance killed by hand leaves the others serving).
  await Promise.all(children.map((c) => c.status));
  await stop(0);
}

if (import.meta.main) {
  try {
    await main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    await stopChildren();
    Deno.exit(1);
  }
}
