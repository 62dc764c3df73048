/**
 * One port for HTTP and `/ws`: a `node:http` server (which Deno runs; `node:https` when given a
 * certificate) that hands plain requests to a fetch handler (Hono, through `@hono/node-server`)
 * and WebSocket upgrades to an upgrade handler with the raw connection, so the `ws` library can
 * refuse an oversized frame from its header, before reading it. (`Deno.serve`'s WebSocket reads
 * every message whole, up to its own 64 MiB cap, before any handler can look:
 * denoland/deno#15809.)
 * @module
 */
import { createServer, type IncomingMessage } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { getRequestListener } from "@hono/node-server";

/** Longest wait for open connections when shutting down. */
const SHUTDOWN_WAIT_MS = 2000;

/** What {@linkcode serve} calls. */
export interface Handlers {
  /** A plain HTTP request; `remote` is the TCP peer's address. */
  fetch(req: Request, remote: string | undefined): Response | Promise<Response>;
  /** A request to upgrade (any path): answer it on `socket`, or hand it to a WebSocket server. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Uint8Array): void;
}

/** A listening server. */
export interface Serving {
  addr: { hostname: string; port: number };
  /** Stops listening and ends every HTTP connection (upgraded sockets are the handler's). */
  shutdown(): Promise<void>;
}

/** Where {@linkcode serve} listens. */
export interface ServeOptions {
  hostname: string;
  /** 0: any free port. */
  port: number;
  /** PEM certificate chain and key: HTTPS (and `wss:`) instead of plain HTTP. */
  tls?: { cert: string; key: string };
}

/**
 * Listens on `hostname:port` (port 0: any free port), over TLS when `o.tls` is given.
 *
 * @param o Where to listen, and the certificate for HTTPS.
 * @param handlers The fetch and upgrade handlers (a `Mesh3Server` from app.ts fits).
 * @returns The listening server.
 *
 * @example
 * ```ts
 * const http = await serve({ hostname: "127.0.0.1", port: 0 }, {
 *   fetch: () => new Response("hello\n"),
 *   upgrade: (_req, socket) => refuseUpgrade(socket, 404, "Cannot connect: no WebSockets here"),
 * });
 * const res = await fetch(`http://127.0.0.1:${http.addr.port}/`);
 * console.log(await res.text()); // "hello\n"
 * await http.shutdown();
 * ```
 */
export async function serve(o: ServeOptions, handlers: Handlers): Promise<Serving> {
  const listener = getRequestListener(
    (req, env) => handlers.fetch(req, env.incoming.socket.remoteAddress),
    // Deno's own Request and Response stay in place.
    { overrideGlobalObjects: false },
  );
  const server = o.tls
    ? createTlsServer({ cert: o.tls.cert, key: o.tls.key }, listener)
    : createServer(listener);
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Uint8Array) => {
    socket.on("error", () => socket.destroy());
    handlers.upgrade(req, socket, head);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.hostname, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    addr: { hostname: address, port },
    shutdown: () =>
      new Promise<void>((resolve) => {
        // Stops listening at once; the callback waits for connections, which a socket handed
        // to another WebSocket implementation (`Deno.upgradeWebSocket({ socket })`) may never
        // report: bounded.
        const t = setTimeout(resolve, SHUTDOWN_WAIT_MS);
        server.close(() => {
          clearTimeout(t);
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/**
 * Answers an upgrade request with a plain HTTP refusal and ends the connection.
 *
 * @param socket The upgrade request's connection.
 * @param status The HTTP status.
 * @param text One sentence, sent as the plain-text body.
 *
 * @example
 * ```ts ignore
 * // Inside an upgrade handler (see serve), with the request's socket.
 * refuseUpgrade(socket, 401, "Cannot connect: sign in first");
 * ```
 */
export function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  const body = new TextEncoder().encode(text + "\n");
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? "Refused"}\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${text}\n`,
  );
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  426: "Upgrade Required",
  429: "Too Many Requests",
  503: "Service Unavailable",
};
