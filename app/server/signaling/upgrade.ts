/**
 * `GET /ws`: upgrades to a WebSocket only for a live session cookie, an allowed Origin, and
 * within the connection caps; then wires the socket to the hub. WebSockets are terminated by the
 * `ws` library with `maxPayload` set to the frame limit: a frame whose header announces more is
 * refused (close 1009) before its payload is read, so no client can make the server buffer more
 * than one frame limit per socket. Pings every `pingIntervalSeconds`; a socket that answers none
 * of two pings in a row is dropped.
 * @module
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import type { Config } from "../config/mod.ts";
import { SESSION_COOKIE } from "../auth/routes.ts";
import type { Session } from "../auth/sessions.ts";
import { type SessionBackend, StateUnavailableError } from "../state/mod.ts";
import { refuseUpgrade } from "../serve.ts";
import type { SignalingHub } from "./hub.ts";
import { textFrameConn } from "./text_frame_conn.ts";

/** How long a socket that broke the WebSocket protocol keeps its connection (for the close
 * frame `ws` sent to leave) before it is cut. */
const PROTOCOL_ERROR_GRACE_MS = 1000;
/** Pings in a row a socket may leave unanswered before it is dropped. */
const MISSED_PINGS = 2;
/** The `ws` error code of a frame or message over `maxPayload` (close 1009). */
const TOO_LARGE = "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH";
/** Most bytes of an oversized frame read (and dropped) after its 1009 before the cut. */
const DRAIN_BYTES = 256 * 1024;

/** The `/ws` upgrade handler, and how to stop its pings. */
export interface UpgradeHandler {
  (req: IncomingMessage, socket: Duplex, head: Uint8Array, ip: string): void;
  /** Stops pinging and cuts every socket still open (shutdown). */
  close(): void;
}

/**
 * Builds the `/ws` upgrade handler.
 *
 * @example
 * ```ts ignore
 * // The server's composition (app.ts) makes the config, session store and hub; serve.ts hands
 * // it the upgrade requests of its node:http server.
 * const ws = upgradeHandler({ config, sessions, hub });
 * httpServer.on("upgrade", (req, socket, head) => ws(req, socket, head, ip));
 * ```
 */
export function upgradeHandler(
  deps: { config: Config; sessions: SessionBackend; hub: SignalingHub },
): UpgradeHandler {
  const { config, sessions, hub } = deps;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.limits.maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });
  /** Open sockets → pings sent since their last pong. */
  const unanswered = new Map<WebSocket, number>();
  const pingMs = config.limits.pingIntervalSeconds * 1000;
  const pinger = pingMs > 0
    ? setInterval(() => {
      for (const [ws, n] of unanswered) {
        // Two intervals without a pong: gone (one alone may be this process being busy).
        if (n >= MISSED_PINGS) {
          ws.terminate();
          continue;
        }
        unanswered.set(ws, n + 1);
        ws.ping();
      }
    }, pingMs)
    : undefined;

  const handler = ((req, socket, head, ip) => {
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(", ") : v;
    };
    if (req.method !== "GET" || header("upgrade")?.toLowerCase() !== "websocket") {
      return refuseUpgrade(socket, 426, "Cannot connect: /ws expects a WebSocket upgrade");
    }
    if (new URL(req.url ?? "/", "http://x").pathname !== "/ws") {
      return refuseUpgrade(socket, 404, "Cannot connect: WebSockets are served at /ws");
    }
    if (!config.allowedOrigins.includes(header("origin") ?? "")) {
      return refuseUpgrade(socket, 403, "Cannot connect: origin not allowed");
    }
    void sessions.get(readCookie(header("cookie"), SESSION_COOKIE)).then((session) => {
      if (!session) return refuseUpgrade(socket, 401, "Cannot connect: sign in first");
      const decide = (refusal: string | null) => {
        if (refusal) return refuseUpgrade(socket, 429, refusal);
        accept(req, socket, head, ip, session);
      };
      // Counted in the same turn as the check (in memory, at once): two upgrades in flight
      // cannot both take the last place.
      const refusal = hub.admit(ip, session.address);
      if (refusal instanceof Promise) refusal.then(decide, (e) => unavailable(socket, e));
      else decide(refusal);
    }, (e) => unavailable(socket, e));
  }) as UpgradeHandler;

  function accept(
    req: IncomingMessage,
    socket: Duplex,
    head: Uint8Array,
    ip: string,
    session: Session,
  ): void {
    wss.handleUpgrade(req, socket, head as Buffer, (ws) => {
      const conn = textFrameConn(ws, socket);
      const peer = hub.open(conn, { address: session.address, sessionId: session.id, ip });
      unanswered.set(ws, 0);
      ws.on("pong", () => unanswered.set(ws, 0));
      ws.on("message", (data, binary) => hub.receive(peer, binary ? data : data.toString()));
      ws.on("close", () => {
        unanswered.delete(ws);
        hub.detach(peer);
      });
      // A frame that breaks RFC 6455 or the size limit: `ws` has sent its close frame (1002,
      // 1007, 1009); the connection is cut shortly after, answered or not.
      ws.on("error", (e: Error & { code?: string }) => {
        if (e.code === TOO_LARGE) return cutAfterClose(socket);
        Deno.unrefTimer(setTimeout(() => ws.terminate(), PROTOCOL_ERROR_GRACE_MS));
      });
      hub.greet(peer);
    });
  }
  handler.close = () => {
    clearInterval(pinger);
    for (const ws of unanswered.keys()) ws.terminate();
  };
  return handler;
}

/** Refuses an upgrade the shared state could not decide (503: fail closed). */
function unavailable(socket: Duplex, e: unknown): void {
  if (e instanceof StateUnavailableError) return refuseUpgrade(socket, 503, e.message);
  console.error("signaling: cannot admit socket:", e instanceof Error ? e.name : typeof e);
  refuseUpgrade(socket, 503, "Cannot connect: internal error");
}

/**
 * Ends the connection of a socket that sent an oversized frame, once `ws` has written its 1009:
 * the close frame goes out followed by a FIN, and what the client still sends is read and
 * dropped, up to {@linkcode DRAIN_BYTES} and for at most {@linkcode PROTOCOL_ERROR_GRACE_MS}, then
 * the connection is cut. (Cutting at once left the rest of the frame unread, and the kernel
 * answered it with a reset that could destroy the close frame before the client read it: the
 * client then saw an abnormal close instead of 1009. A client that keeps sending past the drain
 * is cut anyway, and may see that. Pausing the socket instead stalled other sockets under Deno's
 * node:net.)
 */
function cutAfterClose(socket: Duplex): void {
  let drained = 0;
  const cut = () => socket.destroy();
  socket.on("data", (chunk: Uint8Array) => {
    drained += chunk.length;
    if (drained > DRAIN_BYTES) cut();
  });
  socket.end();
  Deno.unrefTimer(setTimeout(cut, PROTOCOL_ERROR_GRACE_MS));
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header || header.length > 8192) return undefined;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}
