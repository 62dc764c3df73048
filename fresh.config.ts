/**
 * Mesh3's one typed configuration, read from `MESH3_*` environment variables with defaults that
 * run locally (a Hardhat chain on 127.0.0.1:8545, chain id 31337, the registry of the last local
 * deploy). Bad values stop start-up with a {@linkcode ConfigError}: one sentence naming the
 * variable. The full list of variables is in docs/PROTOCOL.md ("Configuration").
 *
 * @example
 * ```ts
 * import { loadConfig } from "./fresh.config.ts";
 * const config = loadConfig(Deno.env.toObject());
 * ```
 * @module
 */
import { getAddress, type Hex, isAddress } from "viem";
import { deployedRegistry } from "./app/chain/deployment.ts";

/** Thrown for a bad configuration value; the message names the variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

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

/** Abuse and resource limits (docs/PROTOCOL.md, "Limits"). */
export interface Limits {
  maxFrameBytes: number;
  ratePerSecond: number;
  rateBurst: number;
  maxStrikes: number;
  maxSockets: number;
  maxSocketsPerIp: number;
  maxSocketsPerAddress: number;
  maxRoomsPerSocket: number;
  maxPeersPerRoom: number;
  maxSendBufferBytes: number;
  joinTimeoutMs: number;
  pingIntervalSeconds: number;
  sessionTtlSeconds: number;
  nonceTtlSeconds: number;
  maxSessions: number;
  maxSessionsPerAddress: number;
  maxSessionsPerIp: number;
  maxNonces: number;
  authPerMinutePerIp: number;
  clockSkewSeconds: number;
  chainPollMs: number;
  chainTimeoutMs: number;
  maxCacheEntries: number;
  chainNegativeCacheMs: number;
  chainFreshPollMs: number;
  chainReadsPerSecondPerAddress: number;
  chainReadBurstPerAddress: number;
  chainReadsPerSecondPerIp: number;
  chainReadBurstPerIp: number;
}

/** The whole configuration. */
export interface Config {
  host: string;
  port: number;
  /** Origin users open, e.g. `http://localhost:8000`; SIWE domain and URI are checked against it. */
  publicOrigin: string;
  /** The SIWE `domain` (host[:port] of {@linkcode Config.publicOrigin}). */
  siweDomain: string;
  /** Origins allowed to open `/ws`, POST to `/api/*` and name in SIWE messages (public first). */
  allowedOrigins: string[];
  rpcUrl: string;
  chainId: number;
  chainName: string;
  registry: Hex;
  /** true on the local development chain (31337). */
  localDevChain: boolean;
  /** Count clients by the last `X-Forwarded-For` entry (only behind a reverse proxy). */
  trustProxy: boolean;
  ice: IceConfig;
  limits: Limits;
}

/** What {@linkcode loadConfig} reads besides the environment (tests pass their own). */
export interface ConfigDeps {
  deployedRegistry(chainId: number): Hex | undefined;
}

/** Default limits; each can be overridden by `MESH3_<NAME_IN_SNAKE_CASE>`. */
export const DEFAULT_LIMITS: Readonly<Limits> = {
  maxFrameBytes: 64 * 1024,
  ratePerSecond: 20,
  rateBurst: 50,
  maxStrikes: 20,
  maxSockets: 10_000,
  maxSocketsPerIp: 32,
  maxSocketsPerAddress: 8,
  maxRoomsPerSocket: 4,
  maxPeersPerRoom: 16,
  maxSendBufferBytes: 1024 * 1024,
  joinTimeoutMs: 10_000,
  pingIntervalSeconds: 30,
  sessionTtlSeconds: 12 * 3600,
  nonceTtlSeconds: 300,
  maxSessions: 50_000,
  maxSessionsPerAddress: 16,
  maxSessionsPerIp: 1000,
  maxNonces: 50_000,
  authPerMinutePerIp: 60,
  clockSkewSeconds: 60,
  chainPollMs: 1000,
  chainTimeoutMs: 4000,
  maxCacheEntries: 100_000,
  chainNegativeCacheMs: 10_000,
  chainFreshPollMs: 25,
  chainReadsPerSecondPerAddress: 2,
  chainReadBurstPerAddress: 40,
  chainReadsPerSecondPerIp: 20,
  chainReadBurstPerIp: 200,
};

/**
 * Reads the configuration from an environment map.
 *
 * @param env Usually `Deno.env.toObject()`.
 * @param deps Where the last local deploy's registry address comes from.
 * @returns The typed configuration.
 * @throws {ConfigError} One sentence naming the variable that is wrong.
 *
 * @example
 * ```ts
 * const c = loadConfig({ MESH3_PORT: "0", MESH3_REGISTRY: "0x5FbDB2315678afecb367f032d93F642f64180aa3" });
 * ```
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  deps: ConfigDeps = { deployedRegistry },
): Config {
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v === undefined || v === "" ? undefined : v;
  };
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}".`);
    }
    return n;
  };
  const list = (name: string) =>
    (get(name) ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");

  const host = get("MESH3_HOST") ?? "127.0.0.1";
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(host)) {
    throw new ConfigError(`MESH3_HOST must be a host name or IP address, got "${host}".`);
  }
  const port = int("MESH3_PORT", 8000, 0, 65535);
  const publicOrigin = origin(
    "MESH3_PUBLIC_ORIGIN",
    get("MESH3_PUBLIC_ORIGIN") ?? `http://localhost:${port}`,
  );
  const localDefault = get("MESH3_PUBLIC_ORIGIN") === undefined &&
    ["127.0.0.1", "localhost", "::1", "[::1]"].includes(host);
  const allowedOrigins = [
    publicOrigin,
    // Locally, http://127.0.0.1:<port> works as well as http://localhost:<port>.
    ...(localDefault ? [`http://127.0.0.1:${port}`] : []),
    ...list("MESH3_ALLOWED_ORIGINS").map((o) => origin("MESH3_ALLOWED_ORIGINS", o)),
  ];

  const trustRaw = get("MESH3_TRUST_PROXY") ?? "0";
  if (!["0", "1", "true", "false"].includes(trustRaw)) {
    throw new ConfigError(`MESH3_TRUST_PROXY must be 1, 0, true or false, got "${trustRaw}".`);
  }
  const trustProxy = trustRaw === "1" || trustRaw === "true";

  const rpcUrl = get("MESH3_RPC_URL") ?? "http://127.0.0.1:8545";
  if (!/^(https?|wss?):\/\//.test(rpcUrl) || !URL.canParse(rpcUrl)) {
    throw new ConfigError(`MESH3_RPC_URL must be an http(s) or ws(s) URL, got "${rpcUrl}".`);
  }
  const chainId = int("MESH3_CHAIN_ID", 31337, 1, Number.MAX_SAFE_INTEGER);
  const localDevChain = chainId === 31337;
  const chainName = get("MESH3_CHAIN_NAME") ??
    (localDevChain ? "Local development chain" : `Chain ${chainId}`);

  const registryRaw = get("MESH3_REGISTRY");
  let registry: Hex;
  if (registryRaw !== undefined) {
    if (!isAddress(registryRaw, { strict: false })) {
      throw new ConfigError(`MESH3_REGISTRY must be a 20-byte hex address, got "${registryRaw}".`);
    }
    registry = getAddress(registryRaw);
  } else {
    const deployed = deps.deployedRegistry(chainId);
    if (!deployed) {
      throw new ConfigError(
        `MESH3_REGISTRY is not set and no registry deployment is recorded for chain ${chainId}.`,
      );
    }
    registry = getAddress(deployed);
  }

  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
    const name = "MESH3_" + key.replace(/[A-Z]/g, (c) => "_" + c).toUpperCase();
    const min = key === "pingIntervalSeconds" ? 0 : key === "maxFrameBytes" ? 1024 : 1;
    limits[key] = int(name, DEFAULT_LIMITS[key], min, 1e9);
  }

  return {
    host,
    port,
    publicOrigin,
    siweDomain: new URL(publicOrigin).host,
    allowedOrigins: [...new Set(allowedOrigins)],
    rpcUrl,
    chainId,
    chainName,
    registry,
    localDevChain,
    trustProxy,
    ice: iceConfig(get, list),
    limits,
  };
}

function origin(name: string, value: string): string {
  if (!/^https?:\/\//.test(value) || !URL.canParse(value)) {
    throw new ConfigError(
      `${name} must hold http(s) origins like https://chat.example, got "${value}".`,
    );
  }
  const u = new URL(value);
  if (u.pathname !== "/" || u.search || u.hash || u.username) {
    throw new ConfigError(`${name} must hold bare origins without path or query, got "${value}".`);
  }
  return u.origin;
}

function iceConfig(
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
