/**
 * A real `redis-server` for tests and benchmarks (Debian's package): on a free loopback port,
 * its data in a temporary folder (append-only file, so a restart keeps what Redis promised to
 * keep), stopped and restarted on demand. Never a fixed port.
 * @module
 */

/** A running redis-server. */
export interface TestRedis {
  url: string;
  port: number;
  /** Stops it (SIGKILL with `hard`, like a crash). */
  stop(hard?: boolean): Promise<void>;
  /** Starts it again on the same port and folder (after {@linkcode stop}). */
  restart(): Promise<void>;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

const REDIS_SERVER = "/usr/bin/redis-server";

/**
 * The arguments of a loopback `redis-server` on `port` whose data (an append-only file, so a
 * restart keeps the sessions) is in `dir`.
 *
 * @example
 * ```ts
 * redisServerArgs(6390, "/tmp/r").slice(0, 4); // ["--bind", "127.0.0.1", "--port", "6390"]
 * ```
 */
export function redisServerArgs(port: number, dir: string): string[] {
  return [
    ...["--bind", "127.0.0.1", "--port", String(port), "--dir", dir],
    ...["--save", "", "--appendonly", "yes", "--appendfsync", "always", "--protected-mode", "no"],
  ];
}

/**
 * Starts redis-server on 127.0.0.1 and a free port.
 *
 * @example
 * ```ts ignore
 * const redis = await startRedis();
 * // ... MESH3_REDIS_URL: redis.url ...
 * await redis.dispose();
 * ```
 */
export async function startRedis(): Promise<TestRedis> {
  const dir = await Deno.makeTempDir({ prefix: "mesh3-redis-" });
  const port = freePort();
  let child: Deno.ChildProcess | undefined;
  const start = async () => {
    child = new Deno.Command(REDIS_SERVER, {
      args: redisServerArgs(port, dir),
      stdout: "null",
      stderr: "null",
    }).spawn();
    await waitForPort(port);
  };
  const stop = async (hard = false) => {
    if (!child) return;
    const c = child;
    child = undefined;
    try {
      c.kill(hard ? "SIGKILL" : "SIGTERM");
    } catch {
      // gone already
    }
    await c.status;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    restart: start,
    dispose: async () => {
      await stop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = l.addr as Deno.NetAddr;
  l.close();
  return port;
}

/** Waits until something accepts connections on `port` (bounded: 100 tries, 5 s). */
async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      const c = await Deno.connect({ hostname: "127.0.0.1", port });
      c.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`Cannot start redis-server: nothing listens on port ${port}`);
}
