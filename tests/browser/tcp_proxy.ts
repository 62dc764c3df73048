/**
 * A loopback TCP proxy whose live connections a test can cut at once: a real network drop
 * (the browser sees its WebSocket close abnormally) while new connections keep working.
 * @module
 */

/** A running proxy. */
export interface TcpProxy {
  /** The port browsers connect to. */
  port: number;
  /** Closes every connection open now; new ones are still accepted. */
  dropAll(): number;
  /** Stops listening and closes everything. */
  close(): void;
}

/**
 * Listens on a free loopback port and forwards each connection to `targetPort`.
 *
 * @param targetPort The real server's port on 127.0.0.1.
 * @param record Called with every chunk carried, both directions (to see what a server sees).
 * @returns The proxy.
 *
 * @example
 * ```ts ignore
 * const proxy = startTcpProxy(8000);
 * proxy.dropAll(); // every open socket through it is cut
 * ```
 */
export function startTcpProxy(
  targetPort: number,
  record?: (chunk: Uint8Array) => void,
): TcpProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  const closeConn = (c: Deno.Conn) => {
    open.delete(c);
    try {
      c.close();
    } catch { /* already closed */ }
  };
  (async () => {
    for await (const inbound of listener) {
      let outbound: Deno.Conn;
      try {
        outbound = await Deno.connect({ hostname: "127.0.0.1", port: targetPort });
      } catch {
        closeConn(inbound);
        continue;
      }
      open.add(inbound);
      open.add(outbound);
      const pair = () => {
        closeConn(inbound);
        closeConn(outbound);
      };
      const tap = () =>
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, out) {
            record?.(chunk);
            out.enqueue(chunk);
          },
        });
      inbound.readable.pipeThrough(tap()).pipeTo(outbound.writable).catch(() => {}).finally(pair);
      outbound.readable.pipeThrough(tap()).pipeTo(inbound.writable).catch(() => {}).finally(pair);
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    dropAll() {
      const n = open.size;
      for (const c of [...open]) closeConn(c);
      return n;
    },
    close() {
      try {
        listener.close();
      } catch { /* already closed */ }
      for (const c of [...open]) closeConn(c);
    },
  };
}
