/**
 * A real EIP-1193 wallet for browser test pages (test fixture): Playwright pages and contexts
 * (Chromium) and cross-browser {@linkcode TestPage}s (Chromium or Firefox).
 *
 * The page gets a provider announced through EIP-6963 and set as `window.ethereum`. Signing
 * happens in the test process with a viem local account built from a funded development key;
 * transactions are signed locally and sent with `eth_sendRawTransaction`; every other call goes
 * to the real chain's JSON-RPC. Real signatures, real transactions: nothing is mocked.
 *
 * The page talks to the test process through one exposed function (`exposeBinding` in Playwright,
 * `exposeFunction` over WebDriver BiDi), so the private key never enters the page.
 * @module
 */
import type { BrowserContext, Page } from "playwright-core";
import {
  type Chain,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  numberToHex,
  type TransactionRequest,
  type Transport,
} from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import type { TestPage } from "./test_page.ts";

/** Options of {@linkcode installTestWallet}. */
export interface TestWalletOptions {
  /** Development private key that signs (for example `chain.accounts[1]`). */
  privateKey: Hex;
  /** The real chain's JSON-RPC URL (loopback). */
  rpcUrl: string;
  /** The real chain's id. */
  chainId: number;
  /** Chain id the wallet claims to be on at first (to test the wrong-network prompt). */
  startChainId?: number;
  /** EIP-6963 name shown to the user. Default "Test Wallet". */
  name?: string;
  /** EIP-6963 reverse-DNS id. Default "org.mesh3.testwallet". */
  rdns?: string;
  /** Also set `window.ethereum`. Default true. */
  windowEthereum?: boolean;
}

/** Handle on the installed wallet, kept in the test process. */
export interface TestWallet {
  /** The current account's address. */
  readonly address: Hex;
  /** Methods the page called, in order (for assertions; no params kept). */
  readonly calls: string[];
  /** Make the next request of `method` fail as if the user rejected it (code 4001). */
  rejectNext(method: string): void;
  /** Pretend the wallet moved to another chain and tell the page (`chainChanged`). */
  setChain(chainId: number): Promise<void>;
  /** Switch the wallet to another account and tell the page (`accountsChanged`). */
  setAccount(privateKey: Hex): Promise<void>;
}

interface RpcError {
  code: number;
  message: string;
}

type Reply = { ok: true; result: unknown } | { ok: false; error: RpcError };

const BINDING_PREFIX = "__mesh3TestWallet_";

/** A page the wallet talks to (a Playwright page or a {@linkcode TestPage}). */
interface WalletPage {
  isClosed(): boolean;
  evaluate<R, A>(fn: (arg: A) => R, arg: A): Promise<R>;
}

type Binding = (page: WalletPage, method: string, params: unknown[]) => Promise<Reply>;

/** Where the wallet is installed, whichever browser driver holds it. */
interface WalletHost {
  expose(name: string, binding: Binding): Promise<void>;
  addInitScript(script: string): Promise<void>;
}

function walletHost(target: Page | BrowserContext | TestPage): WalletHost {
  if ("engine" in target) {
    return {
      expose: (name, binding) =>
        target.exposeFunction(
          name,
          ((method: string, params: unknown[]) => binding(target, method, params)) as never,
        ),
      addInitScript: (script) => target.addInitScript(script),
    };
  }
  return {
    async expose(name, binding) {
      await target.exposeBinding(
        name,
        (source: { page: Page }, method: string, params: unknown[]) =>
          binding(source.page, method, params),
      );
    },
    async addInitScript(script) {
      await target.addInitScript({ content: script });
    },
  };
}

/**
 * Installs the wallet into every page of the context (and future navigations).
 *
 * @param target A Playwright page or browser context, or a {@linkcode TestPage} of either
 * browser, before it navigates.
 * @param options Key, chain and EIP-6963 identity.
 * @returns A handle to steer the wallet from the test.
 *
 * @example
 * ```ts ignore
 * // Needs a browser page and a test chain.
 * await installTestWallet(page, {
 *   privateKey: chain.accounts[1],
 *   rpcUrl: chain.rpcUrl,
 *   chainId: chain.chainId,
 * });
 * await page.goto(url);
 * ```
 */
export async function installTestWallet(
  target: Page | BrowserContext | TestPage,
  options: TestWalletOptions,
): Promise<TestWallet> {
  let account = privateKeyToAccount(options.privateKey);
  const rdns = options.rdns ?? "org.mesh3.testwallet";
  const chain = defineChain({
    id: options.chainId,
    name: "Test chain",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [options.rpcUrl] } },
  });
  const signer = createWalletClient({ chain, transport: http(options.rpcUrl) });
  const calls: string[] = [];
  const rejections = new Set<string>();
  let current = options.startChainId ?? options.chainId;
  let authorized = false;
  const pages = new Set<WalletPage>();

  const emit = async (event: string, value: unknown) => {
    for (const p of pages) {
      if (p.isClosed()) continue;
      await p.evaluate(
        ([e, v, id]) =>
          (globalThis as unknown as TestWalletGlobal).__mesh3TestWallets?.[id]?.emit(e, v),
        [event, value, rdns] as const,
      ).catch(() => {});
    }
  };

  const handle = async (method: string, params: unknown[]): Promise<unknown> => {
    calls.push(method);
    if (rejections.delete(method)) throw rpcError(4001, "User rejected the request.");
    switch (method) {
      case "eth_requestAccounts":
        authorized = true;
        return [account.address];
      case "eth_accounts":
        return authorized ? [account.address] : [];
      case "eth_chainId":
        return numberToHex(current);
      case "net_version":
        return String(current);
      case "wallet_switchEthereumChain": {
        const want = Number((params[0] as { chainId: string }).chainId);
        if (want !== options.chainId) throw rpcError(4902, "Unrecognized chain ID.");
        current = want;
        await emit("chainChanged", numberToHex(want));
        return null;
      }
      case "wallet_addEthereumChain": {
        const want = Number((params[0] as { chainId: string }).chainId);
        if (want !== options.chainId) throw rpcError(4001, "User rejected the request.");
        current = want;
        await emit("chainChanged", numberToHex(want));
        return null;
      }
      case "personal_sign":
        requireAuthorized(authorized);
        return await account.signMessage({ message: { raw: params[0] as Hex } });
      case "eth_signTypedData_v4":
        requireAuthorized(authorized);
        return await account.signTypedData(JSON.parse(params[1] as string));
      case "eth_sendTransaction":
        requireAuthorized(authorized);
        if (current !== options.chainId) throw rpcError(4100, "Wallet is on another chain.");
        return await sendTransaction(signer, account, params[0] as RpcTransaction);
      default:
        return await forward(options.rpcUrl, method, params);
    }
  };

  const binding: Binding = async (page, method, params) => {
    pages.add(page);
    try {
      return { ok: true, result: await handle(method, params ?? []) } satisfies Reply;
    } catch (e) {
      const err = e as Partial<RpcError> & { shortMessage?: string };
      return {
        ok: false,
        error: {
          code: typeof err.code === "number" ? err.code : -32603,
          message: err.shortMessage ?? err.message ?? "Internal error",
        },
      } satisfies Reply;
    }
  };

  // One binding per wallet, so a page can hold several test wallets (EIP-6963 discovery).
  const bindingName = BINDING_PREFIX + rdns.replace(/[^A-Za-z0-9]/g, "_");
  const host = walletHost(target);
  await host.expose(bindingName, binding);
  await host.addInitScript(pageScript(bindingName, {
    uuid: crypto.randomUUID(),
    name: options.name ?? "Test Wallet",
    rdns,
    windowEthereum: options.windowEthereum ?? true,
  }));

  return {
    get address() {
      return account.address;
    },
    calls,
    rejectNext(method) {
      rejections.add(method);
    },
    async setChain(chainId) {
      current = chainId;
      await emit("chainChanged", numberToHex(chainId));
    },
    async setAccount(privateKey) {
      account = privateKeyToAccount(privateKey);
      await emit("accountsChanged", authorized ? [account.address] : []);
    },
  };
}

interface TestWalletGlobal {
  __mesh3TestWallets?: Record<string, { emit(event: string, value: unknown): void }>;
}

interface RpcTransaction {
  to?: Hex;
  data?: Hex;
  value?: Hex;
  gas?: Hex;
}

function rpcError(code: number, message: string): RpcError {
  return Object.assign(new Error(message), { code });
}

function requireAuthorized(authorized: boolean) {
  if (!authorized) throw rpcError(4100, "The requested account has not been authorized.");
}

async function sendTransaction(
  signer: ReturnType<typeof createWalletClient<Transport, Chain>>,
  account: PrivateKeyAccount,
  tx: RpcTransaction,
): Promise<Hex> {
  const request: TransactionRequest = {
    to: tx.to,
    data: tx.data,
    value: tx.value ? BigInt(tx.value) : undefined,
    gas: tx.gas ? BigInt(tx.gas) : undefined,
  };
  // viem prepares (nonce, fees, gas), signs with the local account and sends it raw.
  return await signer.sendTransaction({ ...request, account, chain: signer.chain });
}

async function forward(rpcUrl: string, method: string, params: unknown[]): Promise<unknown> {
  const res = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = await res.json() as { result?: unknown; error?: RpcError & { data?: unknown } };
  if (body.error) {
    throw Object.assign(new Error(body.error.message), {
      code: body.error.code,
      data: body.error.data,
    });
  }
  return body.result;
}

/** The script that runs in the page before any of its own scripts. */
function pageScript(
  binding: string,
  info: { uuid: string; name: string; rdns: string; windowEthereum: boolean },
) {
  const icon = "data:image/svg+xml," +
    encodeURIComponent(
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#10b981"/></svg>',
    );
  return `(() => {
  const info = ${JSON.stringify({ ...info, icon })};
  const listeners = new Map();
  const provider = {
    isMesh3TestWallet: true,
    async request(args) {
      if (!args || typeof args.method !== "string") throw new TypeError("request needs a method");
      const reply = await globalThis.${binding}(args.method, args.params ?? []);
      if (reply.ok) return reply.result;
      const err = new Error(reply.error.message);
      err.code = reply.error.code;
      throw err;
    },
    on(event, fn) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(fn);
      return provider;
    },
    removeListener(event, fn) {
      listeners.get(event)?.delete(fn);
      return provider;
    },
  };
  (globalThis.__mesh3TestWallets ??= {})[info.rdns] = {
    emit(event, value) {
      for (const fn of listeners.get(event) ?? []) { try { fn(value); } catch (_) { /* listener bug */ } }
    },
  };
  const detail = Object.freeze({ info: Object.freeze({ uuid: info.uuid, name: info.name, icon: info.icon, rdns: info.rdns }), provider });
  const announce = () => globalThis.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail }));
  globalThis.addEventListener("eip6963:requestProvider", announce);
  announce();
  if (info.windowEthereum) globalThis.ethereum = provider;
})();`;
}
