/**
 * `GET /ws`: upgrades to a WebSocket only for a live session cookie, an allowed Origin, and
 * within the connection caps; then wires the socket to the hub. Runs before Hono so nothing
 * touches the 101 response.
 * @module
 */
import type { Config } from "../../../fresh.config.ts";
import { SESSION_COOKIE } from "../auth/routes.ts";
import type { SessionStore } from "../auth/sessions.ts";
import type { SignalingHub } from "./hub.ts";

/**
 * Builds the `/ws` handler.
 *
 * @example
 * ```ts
 * const ws = upgradeHandler({ config, sessions, hub });
 * Deno.serve((req, info) => new URL(req.url).pathname === "/ws" ? ws(req, ip) : other(req));
 * ```
 */
export function upgradeHandler(
  deps: { config: Config; sessions: SessionStore; hub: SignalingHub },
): (req: Request, ip: string) => Response {
  const { config, sessions, hub } = deps;
  return (req, ip) => {
    const refuse = (status: number, text: string) =>
      new Response(text + "\n", { status, headers: { "content-type": "text/plain" } });
    if (req.method !== "GET" || req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return refuse(426, "Cannot connect: /ws expects a WebSocket upgrade");
    }
    if (!config.allowedOrigins.includes(req.headers.get("origin") ?? "")) {
      return refuse(403, "Cannot connect: origin not allowed");
    }
    const session = sessions.get(readCookie(req.headers.get("cookie"), SESSION_COOKIE));
    if (!session) return refuse(401, "Cannot connect: sign in first");
    const refusal = hub.admit(ip, session.address);
    if (refusal) return refuse(429, refusal);

    const { socket, response } = Deno.upgradeWebSocket(req, {
      idleTimeout: config.limits.pingIntervalSeconds,
    });
    const peer = hub.open(socket, { address: session.address, sessionId: session.id, ip });
    socket.onopen = () => hub.greet(peer);
    socket.onmessage = (e) => hub.receive(peer, e.data);
    socket.onclose = () => hub.detach(peer);
    socket.onerror = () => hub.detach(peer);
    return response;
  };
}

function readCookie(header: string | null, name: string): string | undefined {
  if (!header || header.length > 8192) return undefined;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}
