/**
 * The real Mesh3 server with its sockets on Deno's own WebSocket (`Deno.serve` +
 * `Deno.upgradeWebSocket`) instead of `ws` on `node:http`: the same `createServer`, hub, session
 * check, origin check and admission, only the transport differs. For the relay benchmark's
 * comparison only (`bench/relay_compare.ts … native=bench/servers/mesh3_native.ts`): Deno's socket
 * reads every message whole, up to 64 MiB, before the hub sees it (no frame limit,
 * denoland/deno#15809), which is why the product does not use it (docs/DECISIONS.md).
 * Prints `{"port":n}` first.
 *
 * @example
 * ```sh
 * MESH3_RPC_URL=http://127.0.0.1:8545 MESH3_REGISTRY=0x... deno run -A bench/servers/mesh3_native.ts
 * ```
 * @module
 */
import { loadConfig } from "../../fresh.config.ts";
import { createServer, type Mesh3Server } from "../../app/server/app.ts";
import { SESSION_COOKIE } from "../../app/server/auth/routes.ts";
import { benchStats } from "./stats_endpoint.ts";

if (import.meta.main) {
  let server: Mesh3Server | null = null;
  let origins: readonly string[] = [];
  const http = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req, info) => {
    if (server === null) return new Response("starting", { status: 503 });
    const path = new URL(req.url).pathname;
    if (path === "/__bench/stats") {
      return benchStats({ sockets: server.hub.peers.size, rooms: server.hub.stats().rooms });
    }
    if (path === "/ws") return upgrade(server, origins, req, info.remoteAddr.hostname);
    return server.fetch(req, info.remoteAddr.hostname);
  });
  const port = http.addr.port;
  const env = Deno.env.toObject();
  const origin = env.MESH3_PUBLIC_ORIGIN ?? `http://127.0.0.1:${port}`;
  const config = loadConfig({ ...env, MESH3_PORT: String(port), MESH3_PUBLIC_ORIGIN: origin });
  origins = config.allowedOrigins;
  server = await createServer(config);
  Deno.addSignalListener("SIGTERM", () => {
    void server?.close().then(() => http.shutdown()).finally(() => Deno.exit(0));
  });
  console.log(JSON.stringify({ port }));
}

/** The checks of `signaling/upgrade.ts` in front of Deno's own upgrade. */
async function upgrade(
  server: Mesh3Server,
  origins: readonly string[],
  req: Request,
  ip: string,
): Promise<Response> {
  const { hub, sessions } = server;
  if (!origins.includes(req.headers.get("origin") ?? "")) {
    return new Response("Cannot connect: origin not allowed\n", { status: 403 });
  }
  const cookie = req.headers.get("cookie")?.split(";").map((p) => p.trim())
    .find((p) => p.startsWith(`${SESSION_COOKIE}=`))?.slice(SESSION_COOKIE.length + 1);
  const session = await sessions.get(cookie);
  if (!session) return new Response("Cannot connect: sign in first\n", { status: 401 });
  const refusal = await hub.admit(ip, session.address);
  if (refusal) return new Response(`${refusal}\n`, { status: 429 });
  const { socket, response } = Deno.upgradeWebSocket(req);
  const peer = hub.open(socket, { address: session.address, sessionId: session.id, ip });
  socket.onopen = () => hub.greet(peer);
  socket.onmessage = (e) => hub.receive(peer, e.data);
  socket.onclose = () => hub.detach(peer);
  return response;
}
