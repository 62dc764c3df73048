/**
 * {@linkcode loadConfig}: Mesh3's one typed configuration, read from `MESH3_*` environment
 * variables with defaults that run locally (a Hardhat chain on 127.0.0.1:8545, chain id 31337, the
 * registry of the last local deploy). Bad values stop start-up with a `ConfigError`: one sentence
 * naming the variable. The full list of variables is in docs/PROTOCOL.md ("Configuration").
 * @module
 */
import { getAddress, type Hex, isAddress } from "viem";
import { deployedRegistry } from "../../chain/deployment.ts";
import { type Config, type ConfigDeps, DEFAULT_FILE_MAX_BYTES } from "./config.ts";
import { ConfigError } from "./config_error.ts";
import { ensConfig } from "./ens_config.ts";
import { envReader } from "./env.ts";
import { iceConfig } from "./ice_config.ts";
import { readLimits } from "./limits.ts";

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
  const { get, int, list } = envReader(env);

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

  const redisUrl = get("MESH3_REDIS_URL");
  if (redisUrl !== undefined && (!/^rediss?:\/\/[^/]/.test(redisUrl) || !URL.canParse(redisUrl))) {
    // The value is not echoed: a Redis URL may carry a password.
    throw new ConfigError("MESH3_REDIS_URL must be a redis:// or rediss:// URL with a host.");
  }

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

  const limits = readLimits(int);

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
    ...(redisUrl === undefined ? {} : { redisUrl }),
    ice: iceConfig(get, list),
    limits,
    fileMaxBytes: int("MESH3_FILE_MAX_BYTES", DEFAULT_FILE_MAX_BYTES, 1, Number.MAX_SAFE_INTEGER),
    ...ensConfig(get, chainId),
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
