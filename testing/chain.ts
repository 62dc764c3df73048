/**
 * Shared test fixture: a real Hardhat EDR chain, in process, served over real loopback HTTP
 * JSON-RPC (batch requests and CORS included, so browsers can call it), with the RoomRegistry
 * deployed from its build artifact. `goOffline`/`goOnline` close and reopen the listener on the
 * same port: a real outage for fault tests.
 *
 * Needs `deno task build:contracts` once before (artifacts).
 *
 * @example
 * ```ts
 * const chain = await startTestChain();
 * try {
 *   const wallet = chain.walletClient(1);
 *   // ... talk to chain.rpcUrl, chain.registry
 * } finally {
 *   await chain.stop();
 * }
 * ```
 * @module
 */
import { network } from "hardhat";
import {
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  type PrivateKeyAccount,
  type PublicClient,
  toHex,
  type Transport,
  type WalletClient,
} from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { handleJsonRpc, type JsonRpcProvider } from "./json_rpc.ts";

/** Hardhat's well-known development mnemonic; its first 20 accounts are funded on the chain. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";
const DEV_ACCOUNT_COUNT = 20;
const ARTIFACT = new URL(
  "../artifacts/contracts/RoomRegistry.sol/RoomRegistry.json",
  import.meta.url,
);

/** Options of {@link startTestChain}. */
export interface TestChainOptions {
  /** EIP-155 chain id (default 31337, Hardhat's). */
  chainId?: number;
}

/** A running test chain. */
export interface TestChain {
  /** `http://127.0.0.1:<port>`, the JSON-RPC endpoint. */
  rpcUrl: string;
  /** EIP-155 chain id (31337 unless chosen). */
  chainId: number;
  /** Address of the deployed RoomRegistry. */
  registry: Hex;
  /** Private keys of the funded development accounts (Hardhat mnemonic, index 0..19). */
  accounts: Hex[];
  /** viem chain description pointing at `rpcUrl`. */
  chain: Chain;
  /** A viem public client on `rpcUrl`. */
  publicClient: PublicClient<Transport, Chain>;
  /** A viem wallet client signing locally with development account `index`. */
  walletClient(index: number): WalletClient<Transport, Chain, PrivateKeyAccount>;
  /** Closes the HTTP listener: requests fail with "connection refused" until `goOnline`. */
  goOffline(): Promise<void>;
  /** Reopens the HTTP listener on the same port. */
  goOnline(): Promise<void>;
  /** Closes the listener and the chain. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts an in-process EDR chain served on a free loopback port, with the registry deployed.
 *
 * @param options Optional chain id.
 * @returns The running chain; call `stop()` when done.
 * @throws {Error} If the contracts were not built.
 */
export async function startTestChain(options: TestChainOptions = {}): Promise<TestChain> {
  installPrepareStackTrace();
  const artifact = await readArtifact();
  const connection = await network.create(
    options.chainId === undefined ? undefined : { override: { chainId: options.chainId } },
  );
  const provider = connection.provider as unknown as JsonRpcProvider;
  const chainId = Number(await provider.request({ method: "eth_chainId" }));

  let server: Deno.HttpServer<Deno.NetAddr> | undefined;
  let port = 0;
  const listen = () => {
    server = Deno.serve({
      hostname: "127.0.0.1",
      port,
      onListen: () => {},
    }, (req) => handleJsonRpc(provider, req));
    port = server.addr.port;
  };
  listen();

  const rpcUrl = `http://127.0.0.1:${port}`;
  const chain = defineChain({
    id: chainId,
    name: "Mesh3 test chain",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  const accounts = devPrivateKeys();
  const transport = http(rpcUrl, { retryCount: 0 });
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 50 });
  const walletClient = (index: number) => {
    const key = accounts[index];
    if (key === undefined) {
      throw new RangeError(`Cannot make a wallet client: no development account ${index}`);
    }
    return createWalletClient({ account: privateKeyToAccount(key), chain, transport });
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server?.shutdown();
    server = undefined;
    await connection.close();
  };

  try {
    const deployer = walletClient(0);
    const hash = await deployer.deployContract({ abi: artifact.abi, bytecode: artifact.bytecode });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success" || !receipt.contractAddress) {
      throw new Error("Cannot start the test chain: the registry deployment failed");
    }
    return {
      rpcUrl,
      chainId,
      registry: receipt.contractAddress,
      accounts,
      chain,
      publicClient,
      walletClient,
      goOffline: async () => {
        await server?.shutdown();
        server = undefined;
      },
      goOnline: () => {
        if (stopped) return Promise.reject(new Error("Cannot go online: the chain was stopped"));
        if (server === undefined) listen();
        return Promise.resolve();
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The private keys of Hardhat's funded development accounts (m/44'/60'/0'/0/i). */
export function devPrivateKeys(count = DEV_ACCOUNT_COUNT): Hex[] {
  return Array.from({ length: count }, (_, addressIndex) => {
    const key = mnemonicToAccount(DEV_MNEMONIC, { addressIndex }).getHdKey().privateKey;
    if (!key) throw new Error("Cannot derive a development key from the mnemonic");
    return toHex(key);
  });
}

async function readArtifact(): Promise<{ abi: readonly unknown[]; bytecode: Hex }> {
  try {
    const { abi, bytecode } = JSON.parse(await Deno.readTextFile(ARTIFACT));
    return { abi, bytecode };
  } catch {
    throw new Error(
      "Cannot start the test chain: the RoomRegistry artifact is missing " +
        "(run `deno task build:contracts` first)",
    );
  }
}

/**
 * Hardhat builds its Solidity stack traces through V8's `Error.prepareStackTrace`, which Deno
 * leaves undefined; without a formatter every revert becomes an internal invariant error (HHE100).
 * This installs one shaped like V8's default.
 */
function installPrepareStackTrace(): void {
  const E = Error as unknown as { prepareStackTrace?: (e: Error, s: unknown[]) => string };
  E.prepareStackTrace ??= (error, frames) =>
    `${error}${frames.map((frame) => `\n    at ${frame}`).join("")}`;
}
