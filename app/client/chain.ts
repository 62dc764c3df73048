/**
 * The viem chain object for the configured chain.
 * @module
 */
import { type Chain, defineChain } from "viem";
import type { PublicConfig } from "../islands/types.ts";

/**
 * Builds a viem chain from the public configuration.
 *
 * @param config Chain id, name and RPC URL from the server.
 * @returns A viem `Chain`.
 *
 * @example
 * ```ts
 * const chain = chainFromConfig(props.config);
 * ```
 */
export function chainFromConfig(config: PublicConfig): Chain {
  return defineChain({
    id: config.chainId,
    name: config.chainName,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
  });
}
