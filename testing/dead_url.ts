/**
 * A loopback URL nothing listens on: requests to it fail at once with "connection refused", a
 * real outage for fail-closed tests.
 * @module
 */

/**
 * Binds a free loopback port, releases it, and returns its URL.
 *
 * @returns `http://127.0.0.1:<port>` with no listener behind it.
 *
 * @example
 * ```ts
 * const url = deadUrl();
 * await fetch(url).catch((e) => console.log(e.name)); // "TypeError" (connection refused)
 * ```
 */
export function deadUrl(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return `http://127.0.0.1:${port}`;
}
