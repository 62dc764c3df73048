/**
 * The viem clients of a wallet connection. Kept out of `wallet.ts` because viem's clients are
 * most of a page's JavaScript: `WalletStore` imports this module with `import()` when a wallet
 * connects, so a page is interactive before they arrive (docs/CLIENT.md, "First load").
 * @module
 */
import {
  createPublicClient,
  createWalletClient,
  custom,
  getAddress,
  type Hex,
  http,
  type PublicClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { chainOf } from "../chain/chain.ts";
import type { PublicConfig } from "../shared/public_config.ts";
import type { Eip1193Provider } from "./eip6963.ts";
import type { WalletConnection } from "./wallet_connection.ts";

/**
 * How often reads poll while waiting (a transaction's receipt, new blocks): viem's default of
 * 4 s added up to 4 s after the block itself (bench/README.md, benchmark 10); one cheap
 * `eth_blockNumber` a second during a wait costs the wallet's node little.
 */
export const POLL_MS = 1_000;

/**
 * A connection through a browser wallet: it signs, and reads go through its own provider.
 *
 * @param account The account as the wallet gave it; refused unless it is an address.
 * @throws {Error} "Address … is invalid" (viem) for anything but an address.
 *
 * @example
 * ```ts ignore
 * const conn = injectedConnection(provider, config, "0x70997970…", "MetaMask");
 * ```
 */
export function injectedConnection(
  provider: Eip1193Provider,
  config: PublicConfig,
  account: string,
  label: string,
): WalletConnection {
  const address = getAddress(account);
  const chain = chainOf(config);
  const transport = custom(provider as Parameters<typeof custom>[0]);
  return {
    kind: "injected",
    label,
    address,
    walletClient: createWalletClient({ account: address, chain, transport }),
    publicClient: createPublicClient({
      chain,
      transport,
      pollingInterval: POLL_MS,
    }) as PublicClient,
  };
}

/**
 * A connection with a development account's key, signing in the page (local chain only).
 *
 * @example
 * ```ts ignore
 * const conn = devConnection(key, config, 0);
 * ```
 */
export function devConnection(key: Hex, config: PublicConfig, index: number): WalletConnection {
  const account = privateKeyToAccount(key);
  const chain = chainOf(config);
  const transport = http(config.rpcUrl);
  return {
    kind: "dev",
    label: `Development account #${index}`,
    address: account.address,
    walletClient: createWalletClient({ account, chain, transport }),
    publicClient: createPublicClient({
      chain,
      transport,
      pollingInterval: POLL_MS,
    }) as PublicClient,
  };
}
