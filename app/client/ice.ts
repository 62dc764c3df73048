/**
 * ICE configuration from the server (`GET /api/ice`): STUN/TURN servers, possibly with
 * time-limited TURN credentials, and the transport policy.
 * @module
 */

/** What `/api/ice` answers. */
export interface IceConfig {
  iceServers: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
}

/**
 * Fetches the ICE configuration; with no answer, connects with host candidates only.
 *
 * @param doFetch fetch to use.
 * @returns Servers and policy.
 *
 * @example
 * ```ts
 * const ice = await fetchIceConfig();
 * new RTCPeerConnection({ ...ice, certificates: [cert] });
 * ```
 */
export async function fetchIceConfig(doFetch: typeof fetch = fetch): Promise<IceConfig> {
  try {
    const res = await doFetch("/api/ice", { credentials: "same-origin" });
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
