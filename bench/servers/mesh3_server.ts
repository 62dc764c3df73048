/**
 * The real Mesh3 server as its own process for the bench: `createServer` from app/server/app.ts
 * configured through `loadConfig` from the environment (the bench passes the test chain's RPC
 * URL, registry and raised rate limits). Adds only what the bench needs in front of it:
 * `GET /__bench/stats` (memory and socket count) and, when `MESH3_BENCH_PAGE` names a bundled
 * script, `GET /__bench/` serving that script in an empty page on the same origin (so the
 * browser harness signs in with same-origin cookies). Prints `{"port":n}` first.
 *
 * The port must be known before the configuration (the public origin contains it), so the
 * listener starts first and answers 503 until the server is built, as tests/browser does.
 *
 * @example
 * ```sh
 * MESH3_RPC_URL=http://127.0.0.1:8545 MESH3_REGISTRY=0x... deno run -A bench/servers/mesh3_server.ts
 * ```
 * @module
 */
import { loadConfig } from "../../fresh.config.ts";
import { createServer, type Mesh3Server } from "../../app/server/app.ts";
import { refuseUpgrade, serve } from "../../app/server/serve.ts";
import { benchStats } from "./stats_endpoint.ts";

type Handler = Mesh3Server["fetch"];

if (import.meta.main) {
  let handler: Handler | null = null;
  let server: Mesh3Server | null = null;
  const http = await serve({ hostname: "127.0.0.1", port: 0 }, {
    fetch: (req, remote) =>
      handler ? handler(req, remote) : new Response("starting", { status: 503 }),
    upgrade: (req, socket, head) =>
      server ? server.upgrade(req, socket, head) : refuseUpgrade(socket, 503, "starting"),
  });
  const port = http.addr.port;
  const env = Deno.env.toObject();
  const origin = env.MESH3_PUBLIC_ORIGIN ?? `http://127.0.0.1:${port}`;
  const config = loadConfig({ ...env, MESH3_PORT: String(port), MESH3_PUBLIC_ORIGIN: origin });
  server = await createServer(config);
  const script = env.MESH3_BENCH_PAGE ? await Deno.readTextFile(env.MESH3_BENCH_PAGE) : null;
  const page =
    `<!doctype html><html><head><meta charset="utf-8"><title>bench</title></head><body><script type="module" src="/__bench/app.js"></script></body></html>`;
  handler = (req, remote) => {
    const path = new URL(req.url).pathname;
    if (path === "/__bench/stats") {
      return benchStats({ sockets: server!.hub.peers.size, rooms: server!.hub.stats().rooms });
    }
    if (script !== null && path === "/__bench/") {
      return new Response(page, { headers: { "content-type": "text/html" } });
    }
    if (script !== null && path === "/__bench/app.js") {
      return new Response(script, { headers: { "content-type": "text/javascript" } });
    }
    return server!.fetch(req, remote);
  };
  const stop = async () => {
    await server?.close();
    await http.shutdown();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", () => void stop());
  console.log(JSON.stringify({ port }));
}
