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
 * The server gives it only to a socket of ours that is in the room (docs/PROTOCOL.md section 7).
 *
 * @param doFetch `fetch` that carries the session cookie.
 * @param origin The app's origin.
 * @param roomId The room our socket has joined.
 * @returns The servers and the transport policy.
 *
 * @example
 * ```ts ignore
 * const ice = await fetchIceConfig(fetch, location.origin, roomId);
 * ```
 */
export async function fetchIceConfig(
  doFetch: typeof fetch,
  origin: string,
  roomId: string,
): Promise<IceConfig> {
  try {
    const url = new URL("/api/ice", origin);
    url.searchParams.set("room", roomId);
    const res = await doFetch(url);
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

/** Without TURN REST credentials, servers are asked again at most this often. */
const ICE_MAX_AGE_MS = 10 * 60_000;

/**
 * When a configuration's time-limited TURN credentials expire: the TURN REST API username
 * starts with the expiry in unix seconds (`<expiry>:<address>`).
 *
 * @param config ICE servers from `/api/ice`.
 * @returns ms since the epoch, or Infinity when no credential says.
 *
 * @example
 * ```ts
 * import { iceExpiry } from "./ice.ts";
 * iceExpiry({ iceServers: [{ urls: "turn:t", username: "1700000000:0xabc", credential: "c" }] });
 * // 1700000000000
 * ```
 */
export function iceExpiry(config: IceConfig): number {
  let at = Infinity;
  for (const s of config.iceServers) {
    const m = typeof s.username === "string" ? /^(\d{9,12}):/.exec(s.username) : null;
    if (m) at = Math.min(at, Number(m[1]) * 1000);
  }
  return at;
}

/**
 * Keeps the ICE configuration usable over a long session: a link made, or an ICE restart done,
 * an hour after joining must not gather with TURN credentials that expired meanwhile (the relay
 * would refuse the allocation, and peers that need it could not connect). The configuration is
 * fetched again once half of its credentials' lifetime has passed (or after 10 minutes when
 * they do not say); a failed fetch keeps the last one.
 *
 * @param first The configuration fetched at sign-in.
 * @param fetchConfig Fetches `/api/ice` again.
 * @param now Clock (ms).
 * @returns A function giving a current configuration (the same object while it is fresh).
 *
 * @example
 * ```ts
 * import { iceSource } from "./ice.ts";
 * let fetched = 0;
 * const first = { iceServers: [{ urls: "turn:t", username: "100:0xabc", credential: "c" }] };
 * let now = 0;
 * const freshIce = iceSource(first, () => Promise.resolve((fetched++, first)), () => now);
 * await freshIce(); // the first config: nothing fetched
 * now = 60_000; // past half of its 100 s lifetime
 * await freshIce(); // fetched again: fetched === 1
 * ```
 */
export function iceSource(
  first: IceConfig,
  fetchConfig: () => Promise<IceConfig>,
  now: () => number = Date.now,
): () => Promise<IceConfig> {
  let current = first;
  let fetchedAt = now();
  let inflight: Promise<IceConfig> | undefined;
  const refreshAt = () => {
    const expiry = iceExpiry(current);
    return expiry === Infinity ? fetchedAt + ICE_MAX_AGE_MS : fetchedAt + (expiry - fetchedAt) / 2;
  };
  return () => {
    if (now() < refreshAt()) return Promise.resolve(current);
    inflight ??= fetchConfig().then((next) => {
      // fetchIceConfig answers "no servers" when the server cannot be asked: keep the old ones.
      if (next.iceServers.length > 0 || current.iceServers.length === 0) current = next;
      fetchedAt = now();
      return current;
    }, () => current).finally(() => inflight = undefined);
    return inflight;
  };
}
