/**
 * Who a request counts against in the per-IP limits: the TCP peer, or, behind a trusted reverse
 * proxy (`MESH3_TRUST_PROXY=1`), the last address the proxy appended to `X-Forwarded-For`
 * (earlier entries come from the client and prove nothing). IPv6 addresses count by their /64
 * (one subscriber's network: a client holding a /64 has 2^64 addresses to rotate through), and
 * IPv4-mapped IPv6 addresses as the IPv4 address.
 * @module
 */
import ipaddr from "ipaddr.js";

/** The `env` the server hands Hono: the client key {@linkcode clientIp} computed once. */
export interface ClientEnv {
  ip: string;
}

/**
 * Returns the key to count a request against: an IPv4 address or an IPv6 /64 prefix.
 *
 * @param forwardedFor The request's `X-Forwarded-For` header, if any.
 * @param remote The TCP peer's address (absent under `app.request` in tests).
 * @param trustProxy Whether a reverse proxy in front sets `X-Forwarded-For`.
 * @returns `203.0.113.7`, `2001:db8:1:2::/64`, or "unknown".
 *
 * @example
 * ```ts
 * clientIp(null, "2001:db8:1:2::7", false); // "2001:db8:1:2::/64"
 * clientIp("198.51.100.1, 203.0.113.9", "10.0.0.7", true); // "203.0.113.9": the proxy's own entry
 * ```
 */
export function clientIp(
  forwardedFor: string | null | undefined,
  remote: string | undefined,
  trustProxy: boolean,
): string {
  if (trustProxy) {
    const last = forwardedFor?.split(",").at(-1)?.trim();
    if (last && last.length <= 64) return ipGroup(last);
  }
  return remote ? ipGroup(remote) : "unknown";
}

/**
 * The per-IP key of one address: IPv4 as it is, IPv6 as its /64 network.
 *
 * @example
 * ```ts
 * ipGroup("2001:db8:1:2:aaaa::1"); // "2001:db8:1:2::/64"
 * ipGroup("::ffff:192.0.2.1"); // "192.0.2.1"
 * ```
 */
export function ipGroup(address: string): string {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (!ipaddr.isValid(bare)) return address;
  let ip = ipaddr.parse(bare);
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress()) {
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  }
  if (ip.kind() === "ipv4") return ip.toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${ip.toString()}/64`).toString()}/64`;
}

/**
 * The client key the server put in Hono's `env` ("unknown" under `app.request`).
 *
 * @example
 * ```ts
 * envIp({ ip: "203.0.113.7" }); // "203.0.113.7"
 * envIp(undefined); // "unknown"
 * ```
 */
export function envIp(env: unknown): string {
  const ip = (env as Partial<ClientEnv> | undefined)?.ip;
  return typeof ip === "string" ? ip : "unknown";
}
