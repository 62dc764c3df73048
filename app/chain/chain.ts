/**
 * The viem chain object for Mesh3's configured chain, for the server's client and the browser's
 * wallet clients alike.
 * @module
 */
import { type Chain, defineChain } from "viem";

/** What defines the chain: its id, a human name and the RPC URL. */
export interface ChainSettings {
  /** EIP-155 chain id. */
  chainId: number;
  /** Human name, e.g. "Sepolia" or "Local development chain". */
  chainName: string;
  /** JSON-RPC URL. */
  rpcUrl: string;
}

/**
 * Builds the viem chain from the chain settings (ETH as native currency).
 *
 * @param settings Chain id, name and RPC URL.
 * @returns A viem `Chain`.
 *
 * @example
 * ```ts
 * import { chainOf } from "./chain.ts";
 * chainOf({ chainId: 31337, chainName: "Local", rpcUrl: "http://127.0.0.1:8545" }).id; // 31337
 * ```
 */
export function chainOf(settings: ChainSettings): Chain {
  return defineChain({
    id: settings.chainId,
    name: settings.chainName,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [settings.rpcUrl] } },
  });
}
