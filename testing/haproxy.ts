/**
 * The real HAProxy (Debian's package) with the project's own `deploy/haproxy/haproxy.cfg`, in
 * front of test instances, on a free loopback port.
 * @module
 */

const HAPROXY = "/usr/sbin/haproxy";
const CONFIG = new URL("../deploy/haproxy/haproxy.cfg", import.meta.url).pathname;

/** A running balancer. */
export interface TestBalancer {
  base: string;
  wsUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts HAProxy over up to three instances (`host:port`; fewer are repeated to fill the
 * config's three server lines), on `o.port` (e.g. one {@linkcode freeLoopbackPort} gave before
 * the instances were configured with the balancer's origin) or a free one.
 *
 * @example
 * ```ts ignore
 * const lb = await startBalancer(["127.0.0.1:40001", "127.0.0.1:40002"]);
 * await lb.stop();
 * ```
 */
export async function startBalancer(
  instances: string[],
  o: { port?: number } = {},
): Promise<TestBalancer> {
  const port = o.port ?? freeLoopbackPort();
  const servers = [0, 1, 2].map((i) => instances[i % instances.length]);
  const child = new Deno.Command(HAPROXY, {
    args: ["-db", "-f", CONFIG],
    env: {
      MESH3_LB_BIND: `127.0.0.1:${port}`,
      MESH3_INSTANCE_1: servers[0],
      MESH3_INSTANCE_2: servers[1],
      MESH3_INSTANCE_3: servers[2],
    },
    stdout: "null",
    stderr: "null",
  }).spawn();
  const base = `http://127.0.0.1:${port}`;
  // Bounded: until the balancer answers /healthz with 200 (a healthy instance behind it).
  let ok = false;
  for (let i = 0; i < 100 && !ok; i++) {
    try {
      const res = await fetch(`${base}/healthz`);
      await res.body?.cancel();
      ok = res.status === 200;
    } catch {
      // not listening yet
    }
    if (!ok) await new Promise((r) => setTimeout(r, 50));
  }
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // gone already
    }
    await child.status;
  };
  if (!ok) {
    await stop();
    throw new Error("Cannot start haproxy: no healthy instance behind it");
  }
  return { base, wsUrl: `ws://127.0.0.1:${port}/ws`, stop };
}

/** A loopback port free now (for a balancer whose address must be known before it starts). */
export function freeLoopbackPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}
