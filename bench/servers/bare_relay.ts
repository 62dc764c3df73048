/**
 * Baseline (a): a bare Deno WebSocket relay with no checks, the ceiling for this runtime.
 * `GET /ws?id=<id>` opens a socket named `id`; each text frame is JSON with a `to` field and is
 * forwarded unchanged to the socket named `to`. No sign-in, no parsing beyond `to`, no limits.
 *
 * Run as its own process (the bench measures it alone); prints `{"port":n}` as its first line.
 *
 * @example
 * ```sh
 * deno run -A --v8-flags=--expose-gc bench/servers/bare_relay.ts
 * ```
 * @module
 */
import { benchStats } from "./stats_endpoint.ts";

const sockets = new Map<string, WebSocket>();

/** Handles one request: the stats endpoint, or a relay socket. */
export function handle(req: Request): Response {
  const url = new URL(req.url);
  if (url.pathname === "/__bench/stats") return benchStats({ sockets: sockets.size });
  const id = url.searchParams.get("id");
  if (url.pathname !== "/ws" || !id) return new Response("not found\n", { status: 404 });
  const { socket, response } = Deno.upgradeWebSocket(req);
  socket.onopen = () => sockets.set(id, socket);
  socket.onmessage = (e) => {
    const to = sockets.get(JSON.parse(e.data).to);
    if (to && to.readyState === WebSocket.OPEN) to.send(e.data);
  };
  socket.onclose = () => {
    if (sockets.get(id) === socket) sockets.delete(id);
  };
  return response;
}

if (import.meta.main) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handle);
  console.log(JSON.stringify({ port: server.addr.port }));
}
