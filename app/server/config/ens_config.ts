/**
 * Where pages read ENS names (issue 16, item 3): the UniversalResolver, on the app's own chain or
 * on a chain of its own (`MESH3_ENS_RPC_URL`, e.g. Ethereum while the app runs on an L2 or a
 * testnet), read from `MESH3_*` variables.
 * @module
 */
import { getAddress, type Hex, isAddress } from "viem";
import { holesky, mainnet, sepolia } from "viem/chains";
import { ConfigError } from "./config_error.ts";

/** ENS as pages are told it. */
export interface EnsConfig {
  /** The UniversalResolver's address (on the ENS chain). */
  ensUniversalResolver?: Hex;
  /** JSON-RPC URL of the chain with ENS, when it is not the app's chain (its origin joins the
   * CSP's `connect-src`). */
  ensRpcUrl?: string;
}

/**
 * Reads the ENS configuration. Without `MESH3_ENS_RPC_URL` names come from the app's chain, whose
 * UniversalResolver is `MESH3_ENS_UNIVERSAL_RESOLVER` or viem's for Ethereum, Sepolia or Holesky;
 * with it, from that chain, whose resolver defaults to Ethereum's. `none` turns ENS off.
 *
 * @param get The environment's value reader.
 * @param chainId The app's chain id.
 * @returns The fields to spread into the config (none: no ENS).
 * @throws {ConfigError} On an address or URL that is not one.
 *
 * @example
 * ```ts
 * import { ensConfig } from "./ens_config.ts";
 * ensConfig(() => undefined, 31337); // {} (no ENS known on a local chain)
 * ```
 */
export function ensConfig(get: (name: string) => string | undefined, chainId: number): EnsConfig {
  const raw = get("MESH3_ENS_UNIVERSAL_RESOLVER");
  if (raw !== undefined && raw !== "none" && !isAddress(raw, { strict: false })) {
    throw new ConfigError(
      `MESH3_ENS_UNIVERSAL_RESOLVER must be a 20-byte hex address or "none", got "${raw}".`,
    );
  }
  const ensRpcUrl = get("MESH3_ENS_RPC_URL");
  if (ensRpcUrl !== undefined && (!/^https?:\/\//.test(ensRpcUrl) || !URL.canParse(ensRpcUrl))) {
    throw new ConfigError(`MESH3_ENS_RPC_URL must be an http(s) URL, got "${ensRpcUrl}".`);
  }
  if (raw === "none") return {};
  const resolver = raw !== undefined
    ? getAddress(raw)
    : knownUniversalResolver(ensRpcUrl ? mainnet.id : chainId);
  if (!resolver) return {};
  return { ensUniversalResolver: resolver, ...(ensRpcUrl ? { ensRpcUrl } : {}) };
}

/** ENS's UniversalResolver where viem's chain definitions name one. */
function knownUniversalResolver(chainId: number): Hex | undefined {
  const chain = [mainnet, sepolia, holesky].find((c) => c.id === chainId);
  return chain?.contracts.ensUniversalResolver.address;
}
