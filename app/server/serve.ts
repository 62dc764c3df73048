/**
 * One port for HTTP and `/ws`: a `node:http` server (which Deno runs) that hands plain requests
 * to a fetch handler (Hono, through `@hono/node-server`) and WebSocket upgrades to an upgrade
 * handler with the raw connection, so the `ws` library can refuse an oversized frame from its
 * header, before reading it. (`Deno.serve`'s WebSocket reads every message whole, up to its own
 * 64 MiB cap, before any handler can look: denoland/deno#15809.)
 * @module
 */
import { createServer, type IncomingMessage } from "node:http";
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

/**
 * Listens on `hostname:port` (port 0: any free port).
 *
 * @example
 * ```ts
 * const http = await serve({ hostname: "127.0.0.1", port: 0 }, server);
 * console.log(http.addr.port);
 * await http.shutdown();
 * ```
 */
export async function serve(
  o: { hostname: string; port: number },
  handlers: Handlers,
): Promise<Serving> {
  const listener = getRequestListener(
    (req, env) => handlers.fetch(req, env.incoming.socket.remoteAddress),
    // Deno's own Request and Response stay in place.
    { overrideGlobalObjects: false },
  );
  const server = createServer(listener);
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
 * @example
 * ```ts
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
