/**
 * A hostile signaling server for tests: it stands in front of the real `/ws`, passes every
 * frame through, and rewrites what the real server sends to browsers (for example swapping the
 * public key or the DTLS fingerprint of an offer). The browsers must notice by themselves.
 * @module
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

/**
 * Rewrites one server→browser text frame; `null` drops it. May be async (frames to one browser
 * keep their order).
 */
export type Tamper = (frame: string) => string | null | Promise<string | null>;

/** Header that marks the relay's own upstream connection (so it is not relayed again). */
export const UPSTREAM_HEADER = "x-mesh3-test-upstream";

/**
 * Handles a browser's `/ws` request: upgrades it, opens the same request upstream (with the
 * browser's cookie and origin), and relays both ways, tampering with server→browser frames.
 *
 * @param req The browser's upgrade request, as the `node:http` server got it.
 * @param conn Its connection, and the bytes that came after its head.
 * @param upstreamUrl The real server's `ws://.../ws`.
 * @param tamper The rewrite.
 */
export function hostileRelay(
  req: IncomingMessage,
  conn: { socket: Duplex; head: Uint8Array },
  upstreamUrl: string,
  tamper: Tamper,
): void {
  const request = new Request(`http://${req.headers.host}${req.url}`, {
    headers: Object.entries(req.headers).flatMap(([k, v]) =>
      v === undefined ? [] : [[k, Array.isArray(v) ? v.join(", ") : v] as [string, string]]
    ),
  });
  // Deno upgrades a `node:http` connection itself when given its socket.
  const { socket } = Deno.upgradeWebSocket(request, {
    socket: conn.socket as unknown as import("node:net").Socket,
    head: conn.head,
  });
  const headers: Record<string, string> = { [UPSTREAM_HEADER]: "1" };
  for (const name of ["cookie", "origin"]) {
    const value = request.headers.get(name);
    if (value) headers[name] = value;
  }
  // Deno's WebSocket accepts request headers as a second argument.
  const upstream = new (WebSocket as unknown as new (
    url: string,
    init: { headers: Record<string, string> },
  ) => WebSocket)(upstreamUrl, { headers });
  const pending: string[] = [];
  socket.onmessage = (e) => {
    if (upstream.readyState === WebSocket.OPEN) upstream.send(e.data);
    else if (pending.length < 256) pending.push(String(e.data));
  };
  upstream.onopen = () => {
    for (const m of pending.splice(0)) upstream.send(m);
  };
  let order = Promise.resolve();
  upstream.onmessage = (e) => {
    const frame = String(e.data);
    order = order.then(async () => {
      const out = await tamper(frame);
      if (out !== null && socket.readyState === WebSocket.OPEN) socket.send(out);
    }).catch(() => {});
  };
  const closeBoth = () => {
    if (socket.readyState <= WebSocket.OPEN) socket.close();
    if (upstream.readyState <= WebSocket.OPEN) upstream.close();
  };
  socket.onclose = closeBoth;
  upstream.onclose = closeBoth;
  socket.onerror = closeBoth;
  upstream.onerror = closeBoth;
}
