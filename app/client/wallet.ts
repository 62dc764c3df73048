/**
 * The wallet connection: pick an injected wallet (EIP-6963 / `window.ethereum`) or, on the local
 * development chain only, a development account; follow account and chain changes live; move the
 * wallet to the right network.
 *
 * State is one {@linkcode WalletState} snapshot in a {@linkcode Store} (islands adapt it to a
 * signal). Browser-only.
 * @module
 */
import type { PublicConfig } from "../shared/public_config.ts";
import { devAccountKeys } from "./dev_accounts.ts";
import { discoverWallets, type Eip1193Provider, type WalletOption } from "./eip6963.ts";
import { clearPreference, readPreference, writePreference } from "./preferences.ts";
import { Store } from "./store.ts";
import type { WalletConnection } from "./wallet_connection.ts";

export type { WalletConnection };

/** Connection status. */
export type WalletStatus = "idle" | "connecting" | "connected" | "error";

const PREFERENCE = "wallet";

/** The wallet as the page shows it: one snapshot, replaced on every change. */
export interface WalletState {
  /** Wallets found in the page. */
  wallets: WalletOption[];
  status: WalletStatus;
  /** The live connection, or null. */
  connection: WalletConnection | null;
  /** Chain id the wallet is on (null until known). */
  chainId: number | null;
  /** Human error of the last action, or null. */
  error: string | null;
  /** True when connected to a wallet that is on another chain than the app's. */
  wrongNetwork: boolean;
  /** True when connected on the right chain. */
  ready: boolean;
}

/** Wallet state and actions for one page. */
export class WalletStore {
  readonly state = new Store<WalletState>({
    wallets: [],
    status: "idle",
    connection: null,
    chainId: null,
    error: null,
    wrongNetwork: false,
    ready: false,
  });

  #provider: Eip1193Provider | null = null;
  #option: WalletOption | null = null;
  #stopDiscovery: (() => void) | null = null;
  #unsubscribe: (() => void) | null = null;

  /**
   * @param config Public configuration from the server.
   *
   * @example
   * ```ts ignore
   * // In a page: wallets are discovered through the window.
   * const wallet = new WalletStore(props.config);
   * wallet.start();
   * ```
   */
  constructor(readonly config: PublicConfig) {}

  /** The live connection, or null (shorthand for `state.value.connection`). */
  get connection(): WalletConnection | null {
    return this.state.value.connection;
  }

  /** Development account keys offered on this chain (none unless it is the local dev chain). */
  get devAccounts(): number {
    return devAccountKeys(this.config).length;
  }

  /** Starts wallet discovery and silently restores the last connection (no prompt). */
  start(): void {
    this.#stopDiscovery ??= discoverWallets((list) => {
      this.#set({ wallets: list });
      void this.#restore();
    });
  }

  /** Stops discovery and event listeners. */
  stop(): void {
    this.#stopDiscovery?.();
    this.#stopDiscovery = null;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  /**
   * Asks a browser wallet for its account (shows the wallet's prompt).
   *
   * @param option One of {@linkcode WalletStore.wallets}.
   */
  async connect(option: WalletOption): Promise<void> {
    await this.#run(async () => {
      const accounts = await option.provider.request({ method: "eth_requestAccounts" });
      await this.#attach(option, accounts);
    });
  }

  /**
   * Uses development account `index` (local development chain only).
   *
   * @param index Account number, 0-based.
   * @throws {Error} On any chain that is not the local development chain.
   */
  async connectDev(index: number): Promise<void> {
    await this.#run(async () => {
      const key = devAccountKeys(this.config)[index];
      if (!key) throw new Error("Cannot use a development account: this is not the local chain");
      this.#detach();
      const { devConnection } = await loadClients();
      this.#set({
        connection: devConnection(key, this.config, index),
        chainId: this.config.chainId,
      });
      writePreference(PREFERENCE, `dev:${index}`);
    });
  }

  /** Asks the wallet to move to the app's chain, adding the chain when the wallet lacks it. */
  async switchNetwork(): Promise<void> {
    const provider = this.#provider;
    if (!provider) return;
    await this.#run(async () => {
      const chainId = `0x${this.config.chainId.toString(16)}`;
      try {
        await provider.request({ method: "wallet_switchEthereumChain", params: [{ chainId }] });
      } catch (e) {
        if (errorCode(e) !== 4902) throw e;
        await provider.request({
          method: "wallet_addEthereumChain",
          params: [{
            chainId,
            chainName: this.config.chainName,
            nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
            rpcUrls: [this.config.rpcUrl],
          }],
        });
      }
      this.#set({ chainId: Number(await provider.request({ method: "eth_chainId" })) });
    });
  }

  /** Forgets the connection in this page (wallets keep their own permissions). */
  disconnect(): void {
    this.#detach();
    this.#set({ connection: null, chainId: null, status: "idle" });
    clearPreference(PREFERENCE);
  }

  async #restore(): Promise<void> {
    if (this.state.value.connection || this.state.value.status === "connecting") return;
    const pref = readPreference(PREFERENCE);
    if (!pref) return;
    if (pref.startsWith("dev:")) {
      if (this.devAccounts > 0) await this.connectDev(Number(pref.slice(4)));
      return;
    }
    const option = this.state.value.wallets.find((w) => w.id === pref);
    if (!option) return;
    await this.#run(async () => {
      const accounts = await option.provider.request({ method: "eth_accounts" });
      if (Array.isArray(accounts) && accounts.length > 0) await this.#attach(option, accounts);
      else this.#set({ status: "idle" });
    });
  }

  async #attach(option: WalletOption, accounts: unknown): Promise<void> {
    if (!Array.isArray(accounts) || typeof accounts[0] !== "string") {
      throw new Error("Cannot connect: the wallet shared no account");
    }
    this.#detach();
    this.#option = option;
    this.#provider = option.provider;
    this.#set({ chainId: Number(await option.provider.request({ method: "eth_chainId" })) });
    await this.#setAccount(accounts[0]);
    this.#listen(option.provider);
    writePreference(PREFERENCE, option.id);
  }

  /** Connects `account` (as the wallet gave it, checked and checksummed by viem). */
  async #setAccount(account: string): Promise<void> {
    const provider = this.#provider;
    if (!provider) return;
    const { injectedConnection } = await loadClients();
    // The wallet may have been detached or replaced while the clients loaded.
    if (this.#provider !== provider) return;
    const label = this.#option?.name ?? "Browser wallet";
    this.#set({ connection: injectedConnection(provider, this.config, account, label) });
  }

  #listen(provider: Eip1193Provider): void {
    const onAccounts = (value: unknown) => {
      const list = Array.isArray(value) ? value : [];
      if (list.length === 0 || typeof list[0] !== "string") {
        this.#set({ connection: null, status: "idle" });
        return;
      }
      void this.#setAccount(list[0]).catch((e) =>
        this.#set({ status: "error", error: walletErrorMessage(e) })
      );
    };
    const onChain = (value: unknown) => {
      this.#set({ chainId: Number(value) });
    };
    const onDisconnect = () => {
      this.#set({ connection: null, status: "idle" });
    };
    provider.on?.("accountsChanged", onAccounts);
    provider.on?.("chainChanged", onChain);
    provider.on?.("disconnect", onDisconnect);
    this.#unsubscribe = () => {
      provider.removeListener?.("accountsChanged", onAccounts);
      provider.removeListener?.("chainChanged", onChain);
      provider.removeListener?.("disconnect", onDisconnect);
    };
  }

  #detach(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#provider = null;
    this.#option = null;
  }

  #set(patch: Partial<Omit<WalletState, "wrongNetwork" | "ready">>): void {
    this.state.update((s) => {
      const next = { ...s, ...patch };
      const wrongNetwork = next.connection !== null && next.chainId !== null &&
        next.chainId !== this.config.chainId;
      const ready = next.connection !== null && !wrongNetwork && next.status === "connected";
      return { ...next, wrongNetwork, ready };
    });
  }

  async #run(action: () => Promise<void>): Promise<void> {
    this.#set({ status: "connecting", error: null });
    try {
      await action();
      this.#set({ status: this.state.value.connection ? "connected" : "idle" });
    } catch (e) {
      this.#set({ status: "error", error: walletErrorMessage(e) });
    }
  }
}

/**
 * A human sentence for a wallet error (EIP-1193 codes).
 *
 * @param e What the wallet threw.
 * @returns One sentence, without any secret.
 */
export function walletErrorMessage(e: unknown): string {
  switch (errorCode(e)) {
    case 4001:
      return "You declined the request in your wallet.";
    case 4100:
      return "The wallet has not authorised this site yet.";
    case -32002:
      return "Your wallet already has a request waiting: open it to continue.";
    case 4902:
      return "Your wallet does not know this network.";
  }
  const message = e instanceof Error ? e.message : String(e);
  return message.split("\n")[0].slice(0, 200) || "The wallet failed.";
}

/** The viem clients, loaded on the first connection (they are most of a page's JavaScript). */
function loadClients(): Promise<typeof import("./wallet_clients.ts")> {
  return import("./wallet_clients.ts");
}

function errorCode(e: unknown): number | undefined {
  const code = (e as { code?: unknown })?.code;
  return typeof code === "number" ? code : undefined;
}
