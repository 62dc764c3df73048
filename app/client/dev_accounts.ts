/**
 * Development accounts for the local chain only.
 *
 * These are the first well-known funded keys of Hardhat's default development mnemonic
 * ("test test ... junk"): public knowledge, worthless anywhere but a local chain. They let
 * `deno task start` be tried without installing a wallet. They are offered only when the server
 * says it runs its own local development chain.
 * @module
 */
import type { Hex } from "viem";
import type { PublicConfig } from "../shared/public_config.ts";

const HARDHAT_DEV_KEYS: readonly Hex[] = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
];

/**
 * The development keys, or none when the chain is not the server's local development chain.
 *
 * @param config Public configuration from the server.
 * @returns The keys, indexable by account number; empty on any other chain.
 *
 * @example
 * ```ts
 * import { devAccountKeys } from "./dev_accounts.ts";
 * const local = { chainId: 31337, chainName: "Local", rpcUrl: "http://127.0.0.1:8545",
 *   registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3", localDevChain: true } as const;
 * devAccountKeys(local).length > 0; // true
 * devAccountKeys({ ...local, localDevChain: false }).length; // 0
 * ```
 */
export function devAccountKeys(config: PublicConfig): readonly Hex[] {
  return config.localDevChain ? HARDHAT_DEV_KEYS : [];
}
