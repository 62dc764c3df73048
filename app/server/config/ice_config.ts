/**
 * Where ICE servers come from ({@linkcode IceConfig}): a static STUN/TURN list, coturn's TURN REST
 * shared secret, or a Metered-style credentials API, read from `MESH3_*` variables.
 * @module
 */
import { ConfigError } from "./config_error.ts";

/** ICE servers as the browser's `RTCIceServer`. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** Where ICE servers come from. */
export type IceConfig =
  | { kind: "static"; servers: IceServer[]; policy: "all" | "relay" }
  | {
    /** coturn `--use-auth-secret`: time-limited HMAC-SHA1 credentials (TURN REST API). */
    kind: "turn-rest";
    stunUrls: string[];
    turnUrls: string[];
    secret: string;
    ttlSeconds: number;
    policy: "all" | "relay";
  }
  | {
    /** A Metered-style credentials API: GET `url?apiKey=key` returns `RTCIceServer[]`. */
    kind: "api";
    stunUrls: string[];
    url: string;
    apiKey: string;
    cacheSeconds: number;
    policy: "all" | "relay";
  };

/**
 * Reads the ICE configuration.
 *
 * @param get The environment's value reader.
 * @param list The environment's list reader.
 * @returns Where ICE servers come from.
 * @throws {ConfigError} One sentence naming the variable that is wrong.
 *
 * @example
 * ```ts
 * import { envReader } from "./env.ts";
 * const { get, list } = envReader({ MESH3_STUN_URLS: "stun:stun.example:3478" });
 * iceConfig(get, list); // { kind: "static", servers: [{ urls: ["stun:stun.example:3478"] }], policy: "all" }
 * ```
 */
export function iceConfig(
  get: (name: string) => string | undefined,
  list: (name: string) => string[],
): IceConfig {
  const policyRaw = get("MESH3_ICE_POLICY") ?? "all";
  if (policyRaw !== "all" && policyRaw !== "relay") {
    throw new ConfigError(`MESH3_ICE_POLICY must be "all" or "relay", got "${policyRaw}".`);
  }
  const policy = policyRaw;
  const urls = (name: string, schemes: RegExp) => {
    const out = list(name);
    for (const u of out) {
      if (!schemes.test(u)) {
        throw new ConfigError(
          `${name} must be a comma-separated list of ${schemes.source} URLs, got "${u}".`,
        );
      }
    }
    return out;
  };
  const stunUrls = urls("MESH3_STUN_URLS", /^stuns?:[^\s,]+$/);
  const secret = get("MESH3_TURN_SECRET");
  const apiUrl = get("MESH3_ICE_API_URL");
  if (secret !== undefined && apiUrl !== undefined) {
    throw new ConfigError(
      "MESH3_TURN_SECRET and MESH3_ICE_API_URL cannot both be set: choose one.",
    );
  }
  if (secret !== undefined) {
    if (secret.length < 16) {
      throw new ConfigError("MESH3_TURN_SECRET must be at least 16 characters long.");
    }
    const turnUrls = urls("MESH3_TURN_URLS", /^turns?:[^\s,]+$/);
    if (turnUrls.length === 0) {
      throw new ConfigError(
        "MESH3_TURN_URLS must list at least one turn: URL when MESH3_TURN_SECRET is set.",
      );
    }
    const ttl = Number(get("MESH3_TURN_TTL_SECONDS") ?? "3600");
    if (!Number.isSafeInteger(ttl) || ttl < 60 || ttl > 86400) {
      throw new ConfigError("MESH3_TURN_TTL_SECONDS must be an integer from 60 to 86400.");
    }
    return { kind: "turn-rest", stunUrls, turnUrls, secret, ttlSeconds: ttl, policy };
  }
  if (apiUrl !== undefined) {
    if (!/^https?:\/\//.test(apiUrl) || !URL.canParse(apiUrl)) {
      throw new ConfigError(`MESH3_ICE_API_URL must be an http(s) URL, got "${apiUrl}".`);
    }
    const apiKey = get("MESH3_ICE_API_KEY");
    if (apiKey === undefined) {
      throw new ConfigError("MESH3_ICE_API_KEY must be set when MESH3_ICE_API_URL is set.");
    }
    const cache = Number(get("MESH3_ICE_API_CACHE_SECONDS") ?? "300");
    if (!Number.isSafeInteger(cache) || cache < 0 || cache > 86400) {
      throw new ConfigError("MESH3_ICE_API_CACHE_SECONDS must be an integer from 0 to 86400.");
    }
    return { kind: "api", stunUrls, url: apiUrl, apiKey, cacheSeconds: cache, policy };
  }
  const servers: IceServer[] = stunUrls.length ? [{ urls: stunUrls }] : [];
  const turnUrls = urls("MESH3_TURN_URLS", /^turns?:[^\s,]+$/);
  if (turnUrls.length) {
    const username = get("MESH3_TURN_USERNAME");
    const credential = get("MESH3_TURN_CREDENTIAL");
    if (username === undefined || credential === undefined) {
      throw new ConfigError(
        "MESH3_TURN_USERNAME and MESH3_TURN_CREDENTIAL must be set for static MESH3_TURN_URLS (or set MESH3_TURN_SECRET).",
      );
    }
    servers.push({ urls: turnUrls, username, credential });
  }
  if (policy === "relay" && turnUrls.length === 0) {
    throw new ConfigError('MESH3_ICE_POLICY is "relay" but no TURN server is configured.');
  }
  return { kind: "static", servers, policy };
}
