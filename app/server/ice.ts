/**
 * ICE servers for a signed-in browser (`GET /api/ice`): a static list, coturn TURN REST
 * credentials (time-limited HMAC-SHA1, `--use-auth-secret`), or credentials fetched from a
 * Metered-style API and cached.
 * @module
 */
import type { IceConfig, IceServer } from "./config/mod.ts";
import { encodeBase64 } from "../core/bytes.ts";
import { ICE_URL_PATTERN } from "../core/wire_ice.ts";

/** The body of `GET /api/ice`. */
export interface IceResponse {
  iceServers: IceServer[];
  iceTransportPolicy?: "all" | "relay";
}

/** Thrown when the credentials API cannot give servers and nothing is cached. */
export class IceUnavailableError extends Error {
  override name = "IceUnavailableError";
}

/**
 * TURN REST API credentials (draft-uberti-behave-turn-rest-00, coturn `--use-auth-secret`):
 * username `<expiry unix seconds>:<address>`, credential base64(HMAC-SHA1(secret, username)).
 *
 * @param secret The shared secret (coturn `--static-auth-secret`).
 * @param address The signed-in address (for coturn's logs and quotas).
 * @param ttlSeconds How long the credential is valid.
 * @param nowSeconds Current unix time.
 * @returns Username and credential.
 *
 * @example
 * ```ts
 * const { username, credential } = await turnRestCredentials("secret...", "0xabc", 3600);
 * ```
 */
export async function turnRestCredentials(
  secret: string,
  address: string,
  ttlSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<{ username: string; credential: string }> {
  const username = `${nowSeconds + ttlSeconds}:${address}`;
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-1" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(username)),
  );
  return { username, credential: encodeBase64(mac) };
}

/**
 * Gives the ICE servers for one signed-in address, per the configured source.
 *
 * @example
 * ```ts
 * const servers = [{ urls: "stun:stun.example:3478" }];
 * const ice = iceProvider({ kind: "static", servers, policy: "all" });
 * const body = await ice("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
 * body.iceServers; // [{ urls: "stun:stun.example:3478" }]
 * ```
 */
export function iceProvider(
  config: IceConfig,
  fetchFn: typeof fetch = fetch,
): (address: string) => Promise<IceResponse> {
  const policy = config.policy === "relay" ? { iceTransportPolicy: "relay" as const } : {};
  const stun = (urls: string[]): IceServer[] => urls.length ? [{ urls }] : [];
  if (config.kind === "static") {
    return () => Promise.resolve({ iceServers: config.servers, ...policy });
  }
  if (config.kind === "turn-rest") {
    return async (address) => {
      const cred = await turnRestCredentials(config.secret, address, config.ttlSeconds);
      return {
        iceServers: [...stun(config.stunUrls), { urls: config.turnUrls, ...cred }],
        ...policy,
      };
    };
  }
  let cache: { servers: IceServer[]; until: number } | undefined;
  let inflight: Promise<IceServer[]> | undefined;
  const load = async (): Promise<IceServer[]> => {
    const url = new URL(config.url);
    url.searchParams.set("apiKey", config.apiKey);
    const res = await fetchFn(url, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return validateServers(await res.json());
  };
  return async () => {
    if (!cache || Date.now() >= cache.until) {
      inflight ??= load().finally(() => inflight = undefined);
      try {
        cache = { servers: await inflight, until: Date.now() + config.cacheSeconds * 1000 };
      } catch {
        if (!cache) {
          throw new IceUnavailableError(
            "Cannot get ICE servers: the credentials API did not answer",
          );
        }
        // Keep serving the last good answer until the API comes back.
      }
    }
    return { iceServers: [...stun(config.stunUrls), ...cache.servers], ...policy };
  };
}

function validateServers(body: unknown): IceServer[] {
  const list = Array.isArray(body) ? body : (body as { iceServers?: unknown })?.iceServers;
  if (!Array.isArray(list) || list.length > 32) {
    throw new Error("Cannot use the credentials API answer: not a list of ICE servers");
  }
  return list.map((s) => {
    const urls = s?.urls;
    const ok = (u: unknown) => typeof u === "string" && ICE_URL_PATTERN.test(u);
    if (!(ok(urls) || (Array.isArray(urls) && urls.length > 0 && urls.every(ok)))) {
      throw new Error("Cannot use the credentials API answer: bad urls");
    }
    const out: IceServer = { urls };
    if (typeof s.username === "string") out.username = s.username;
    if (typeof s.credential === "string") out.credential = s.credential;
    return out;
  });
}
