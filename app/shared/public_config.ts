/**
 * What the server tells every page about the chain (nothing secret): the contract between the
 * server, which renders it into island props, and the browser engine, which reads the chain with
 * it. JSON-serializable, like every island prop (docs/ISLANDS.md).
 * @module
 */
import type { Hex } from "viem";
import type { ChainSettings } from "../chain/chain.ts";

/**
 * Public chain configuration given to every island.
 *
 * @example
 * ```ts
 * import type { PublicConfig } from "./public_config.ts";
 * const config: PublicConfig = {
 *   chainId: 31337,
 *   chainName: "Local development chain",
 *   rpcUrl: "http://127.0.0.1:8545",
 *   registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
 *   localDevChain: true,
 * };
 * ```
 */
export interface PublicConfig extends ChainSettings {
  /** Address of the RoomRegistry contract. */
  registry: Hex;
  /** True when the server runs its own local development chain (dev accounts are offered). */
  localDevChain: boolean;
  /** Largest file sent or accepted in a room (`MESH3_FILE_MAX_BYTES`); default 4 GiB. */
  fileMaxBytes?: number;
  /** ENS's UniversalResolver on this chain (`MESH3_ENS_UNIVERSAL_RESOLVER`): primary names and
   * avatars, checked forward (app/client/ens_names.ts). Absent: addresses only. */
  ensUniversalResolver?: Hex;
  /** JSON-RPC URL of the chain with ENS when it is not this chain (`MESH3_ENS_RPC_URL`). */
  ensRpcUrl?: string;
}

/**
 * What a bundle is built for (docs/CLIENT.md, "The pinned bundle"): the chain id, the registry
 * and, where names are shown, ENS's UniversalResolver and RPC URL. The page refuses island props
 * naming anything else, so a server cannot point pinned code at a registry or a name resolver of
 * its own. A {@linkcode PublicConfig} is one.
 */
export interface PinnedChain {
  chainId: number;
  registry: string;
  ensUniversalResolver?: string;
  ensRpcUrl?: string;
}

/**
 * The pin of a config in one spelling (addresses lowercased, absent fields left out), the form
 * built into the bundle and hashed into its cache key.
 *
 * @example
 * ```ts
 * import { pinOf } from "./public_config.ts";
 * pinOf({ chainId: 1, registry: "0xAB" }); // { chainId: 1, registry: "0xab" }
 * ```
 */
export function pinOf(config: PinnedChain): PinnedChain {
  return {
    chainId: config.chainId,
    registry: config.registry.toLowerCase(),
    ...(config.ensUniversalResolver
      ? { ensUniversalResolver: config.ensUniversalResolver.toLowerCase() }
      : {}),
    ...(config.ensRpcUrl ? { ensRpcUrl: config.ensRpcUrl } : {}),
  };
}
