/**
 * What a connected wallet gives the engine: its account, a client that signs and sends, and one
 * that reads the chain. Its own module so the wallet store and the clients it loads on use
 * (wallet_clients.ts) both name it without importing each other.
 * @module
 */
import type { Account, Address, Chain, PublicClient, Transport, WalletClient } from "viem";

/** A connected wallet, ready for reads and transactions on the configured chain. */
export interface WalletConnection {
  /** "injected" for a browser wallet, "dev" for a local development account. */
  kind: "injected" | "dev";
  /** Name to show ("MetaMask", "Development account #1"). */
  label: string;
  /** The account. */
  address: Address;
  /** Signs and sends (through the wallet, or locally for the dev account). */
  walletClient: WalletClient<Transport, Chain, Account>;
  /** Reads the chain through the wallet's own provider (the browser trusts the chain). */
  publicClient: PublicClient;
}
