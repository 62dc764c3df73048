/**
 * The ICE servers for this session (STUN, TURN with time-limited credentials) from `/api/ice`.
 * @module
 */

/** What `RTCPeerConnection` needs from `/api/ice`. */
export interface IceConfig {
  iceServers: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
}

/**
 * Fetches the ICE configuration; on any failure, none (host candidates still connect on a LAN).
 *
 * @param doFetch `fetch` that carries the session cookie.
 * @param origin The app's origin.
 * @returns The servers and the transport policy.
 *
 * @example
 * ```ts ignore
 * const ice = await fetchIceConfig(fetch, location.origin);
 * ```
 */
export async function fetchIceConfig(doFetch: typeof fetch, origin: string): Promise<IceConfig> {
  try {
    const res = await doFetch(new URL("/api/ice", origin));
    if (!res.ok) return { iceServers: [] };
    const body = await res.json() as Partial<IceConfig>;
    const iceServers = Array.isArray(body.iceServers)
      ? body.iceServers.filter((s) => s && (typeof s.urls === "string" || Array.isArray(s.urls)))
      : [];
    const policy = body.iceTransportPolicy === "relay" ? "relay" : "all";
    return { iceServers, iceTransportPolicy: policy };
  } catch {
    return { iceServers: [] };
  }
}
