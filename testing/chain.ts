/**
 * Shared test fixture: a real Hardhat EDR chain served over real loopback HTTP JSON-RPC (batch
 * requests and CORS included, so browsers can call it), with the RoomRegistry deployed from its
 * build artifact. `goOffline`/`goOnline` close and reopen the listener on the same port: a real
 * outage for fault tests.
 *
 * The chain runs in a child process (`chain_process.ts`): EDR's native context may exist only once
 * per process, and `deno test` runs every test module in one process.
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
  /** Address the JSON-RPC listener binds (default 127.0.0.1). */
  hostname?: string;
  /**
   * A command the chain process is started through, e.g. `["ip", "netns", "exec", "ns"]` to run
   * it inside a network namespace (the network lab).
   */
  wrap?: string[];
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
  /**
   * Mines like a public chain: a block every `ms` milliseconds holding what arrived meanwhile
   * (Hardhat's `evm_setAutomine false` + `evm_setIntervalMining`), e.g. 2,000 like an L2 or
   * 12,000 like Ethereum. `0` goes back to one block per transaction, at once (the default).
   */
  setBlockTime(ms: number): Promise<void>;
  /** Closes the listener and the chain. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts an EDR chain (in a child process) served on a free loopback port, with the registry
 * deployed.
 *
 * @param options Optional chain id.
 * @returns The running chain; call `stop()` when done.
 * @throws {Error} If the contracts were not built.
 */
export async function startTestChain(options: TestChainOptions = {}): Promise<TestChain> {
  const artifact = await readArtifact();
  const hostname = options.hostname ?? "127.0.0.1";
  const child = await ChainProcess.spawn(options.chainId, hostname, options.wrap ?? []);
  const { port, chainId } = child;

  const rpcUrl = `http://${hostname}:${port}`;
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
    await child.stop();
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
      goOffline: () => child.command("offline"),
      goOnline: () => {
        if (stopped) return Promise.reject(new Error("Cannot go online: the chain was stopped"));
        return child.command("online");
      },
      setBlockTime: async (ms: number) => {
        if (!Number.isInteger(ms) || ms < 0) {
          throw new RangeError(`Cannot set the block time: ${ms} is not a whole number of ms ≥ 0`);
        }
        const rpc = publicClient.request as (
          args: { method: string; params: unknown[] },
        ) => Promise<unknown>;
        await rpc({ method: "evm_setIntervalMining", params: [ms] });
        await rpc({ method: "evm_setAutomine", params: [ms === 0] });
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The child process that runs the chain (protocol: `chain_process.ts`). */
class ChainProcess {
  #child: Deno.ChildProcess;
  #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #lines: AsyncIterator<string>;
  #queue: Promise<void> = Promise.resolve();

  private constructor(
    child: Deno.ChildProcess,
    lines: AsyncIterator<string>,
    readonly port: number,
    readonly chainId: number,
  ) {
    this.#child = child;
    this.#stdin = child.stdin.getWriter();
    this.#lines = lines;
  }

  static async spawn(chainId: number | undefined, hostname: string, wrap: string[]) {
    const script = new URL("./chain_process.ts", import.meta.url).pathname;
    const args = ["run", "-A", "--no-check", script, hostname];
    if (chainId !== undefined) args.push(String(chainId));
    const cmd = [...wrap, Deno.execPath(), ...args];
    const child = new Deno.Command(cmd[0], {
      args: cmd.slice(1),
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const lines = readLines(child.stdout);
    const first = await lines.next();
    if (first.done) {
      const status = await child.status;
      throw new Error(`Cannot start the test chain: its process exited with code ${status.code}`);
    }
    const { port, chainId: id } = JSON.parse(first.value);
    return new ChainProcess(child, lines, port, id);
  }

  /** Sends one command and waits for its acknowledgement (commands run one at a time). */
  command(name: "offline" | "online"): Promise<void> {
    const run = this.#queue.then(async () => {
      await this.#stdin.write(new TextEncoder().encode(name + "\n"));
      const reply = await this.#lines.next();
      if (reply.done || reply.value !== `ok ${name}`) {
        throw new Error(`Cannot switch the test chain ${name}: its process did not answer`);
      }
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Closes stdin (the process then stops its chain and exits) and waits for the exit. */
  async stop(): Promise<void> {
    await this.#queue;
    await this.#stdin.close().catch(() => {});
    const exited = await Promise.race([
      this.#child.status.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 10_000)),
    ]);
    if (!exited) {
      this.#child.kill("SIGKILL");
      await this.#child.status;
    }
    await this.#lines.return?.();
  }
}

async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = "";
  for await (const chunk of stream) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      yield buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
    }
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
