/**
 * A local cluster for tests: one real test chain, one real `redis-server`, and several instances
 * of the real server in this process, all on the same Redis (`MESH3_REDIS_URL`). Each instance
 * has its own port; a test picks which one each client talks to (the balancer's job in
 * production; `deploy/haproxy.cfg` is tested in `deploy/haproxy_test.ts`).
 * @module
 */
import { startTestChain, type TestChain } from "./chain.ts";
import { startRedis, type TestRedis } from "./redis.ts";
import { type RunningServer, startServer, UNLIMITED_READS } from "./server.ts";

/** A chain, a Redis and the instances. */
export interface TestCluster {
  chain: TestChain;
  redis: TestRedis;
  instances: RunningServer[];
  /** Stops the instances, Redis and the chain. */
  close(): Promise<void>;
}

/**
 * Starts `n` instances on one Redis and one chain.
 *
 * @example
 * ```ts ignore
 * const cluster = await startCluster(2, { MESH3_MAX_SOCKETS_PER_ADDRESS: "1" });
 * const [a, b] = cluster.instances; // a.base, b.wsUrl, ...
 * await cluster.close();
 * ```
 */
export async function startCluster(
  n: number,
  env: Record<string, string> = {},
): Promise<TestCluster> {
  const chain = await startTestChain();
  const redis = await startRedis();
  const instances: RunningServer[] = [];
  const close = async () => {
    for (const i of instances.splice(0)) await i.stop();
    await redis.dispose();
    await chain.stop();
  };
  try {
    for (let i = 0; i < n; i++) {
      instances.push(
        await startServer(chain, { ...UNLIMITED_READS, MESH3_REDIS_URL: redis.url, ...env }),
      );
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { chain, redis, instances, close };
}
