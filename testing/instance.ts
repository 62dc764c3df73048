/**
 * One server instance as its own process, for tests that kill it (`kill -9`) or balance over it:
 * the real server (API and `/ws`, no pages) from `MESH3_*` variables, on 127.0.0.1 and a free
 * port. Run as a script it prints `{"port":N}` once listening; {@linkcode spawnInstance} starts it.
 * @module
 */
import { loadConfig } from "../app/server/config/mod.ts";
import { createServer } from "../app/server/app.ts";
import { serve } from "../app/server/serve.ts";

/** A running instance process. */
export interface InstanceProcess {
  port: number;
  base: string;
  wsUrl: string;
  /** Kills it: SIGKILL (a crash, nothing cleaned up) or SIGTERM. */
  kill(signal?: "SIGKILL" | "SIGTERM"): Promise<void>;
}

/**
 * Starts an instance process with `env` (chain, Redis, origins...).
 *
 * @example
 * ```ts ignore
 * const i = await spawnInstance({ MESH3_RPC_URL: chain.rpcUrl, MESH3_REDIS_URL: redis.url, ... });
 * await i.kill("SIGKILL");
 * ```
 */
export async function spawnInstance(env: Record<string, string>): Promise<InstanceProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname],
    env: { ...env, MESH3_PORT: "0", MESH3_HOST: "127.0.0.1" },
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  // Bounded: the process prints one line, or ends.
  while (!out.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("Cannot start instance: it exited before listening");
    out += value;
  }
  const { port } = JSON.parse(out.split("\n")[0]);
  // Keep draining so the child never blocks on a full pipe.
  void (async () => {
    try {
      while (!(await reader.read()).done);
    } catch {
      // ended
    }
  })();
  let killed = false;
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    kill: async (signal = "SIGKILL") => {
      if (killed) return;
      killed = true;
      try {
        child.kill(signal);
      } catch {
        // gone already
      }
      await child.status;
    },
  };
}

if (import.meta.main) {
  const config = loadConfig(Deno.env.toObject());
  const server = await createServer(config);
  const http = await serve({ hostname: config.host, port: config.port }, server);
  console.log(JSON.stringify({ port: http.addr.port }));
  Deno.addSignalListener("SIGTERM", async () => {
    await server.close();
    await http.shutdown();
    Deno.exit(0);
  });
}
