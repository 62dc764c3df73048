/**
 * The client's IP address for per-IP limits: the TCP peer, or, behind a trusted reverse proxy
 * (`MESH3_TRUST_PROXY=1`), the last address the proxy appended to `X-Forwarded-For` (earlier
 * entries come from the client and prove nothing).
 * @module
 */

/**
 * Returns the IP address to count a request against.
 *
 * @param req The request.
 * @param info Deno.serve's connection info (absent under `app.request` in tests).
 * @param trustProxy Whether a reverse proxy in front sets `X-Forwarded-For`.
 * @returns An IP address, or "unknown".
 *
 * @example
 * ```ts
 * Deno.serve((req, info) => new Response(clientIp(req, info, false)));
 * ```
 */
export function clientIp(
  req: Request,
  info: Deno.ServeHandlerInfo | undefined,
  trustProxy: boolean,
): string {
  if (trustProxy) {
    const last = req.headers.get("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (last && last.length <= 64) return last;
  }
  const addr = info?.remoteAddr as Deno.NetAddr | undefined;
  return addr?.hostname ?? "unknown";
}
