/**
 * Wallet discovery: EIP-6963 (multi injected provider discovery) with the legacy
 * `window.ethereum` as a fallback.
 *
 * Browser-only. Wallets announce themselves with `eip6963:announceProvider` events in answer to
 * our `eip6963:requestProvider`; some announce later (extension start-up), so discovery stays
 * live until stopped.
 * @module
 */

/** The EIP-1193 surface Mesh3 uses. */
export interface Eip1193Provider {
  request(args: { method: string; params?: unknown }): Promise<unknown>;
  on?(event: string, listener: (value: unknown) => void): unknown;
  removeListener?(event: string, listener: (value: unknown) => void): unknown;
}

/** One wallet the user can pick. */
export interface WalletOption {
  /** Stable id: the EIP-6963 rdns, or "injected" for the `window.ethereum` fallback. */
  id: string;
  /** Name to show. */
  name: string;
  /** Icon (data URI) when the wallet gave one. */
  icon?: string;
  /** The provider to talk to. */
  provider: Eip1193Provider;
}

interface AnnounceDetail {
  info?: { uuid?: string; name?: string; icon?: string; rdns?: string };
  provider?: Eip1193Provider;
}

/**
 * Starts discovering injected wallets and reports the list each time it changes.
 *
 * @param onChange Called with every wallet found so far (EIP-6963 ones first, then the fallback).
 * @param target The window (tests pass their own EventTarget).
 * @returns A function that stops listening.
 *
 * @example
 * ```ts ignore
 * // In a page with wallets that announce themselves.
 * const stop = discoverWallets((list) => wallets.value = list);
 * ```
 */
export function discoverWallets(
  onChange: (wallets: WalletOption[]) => void,
  target: EventTarget & { ethereum?: unknown } = globalThis as EventTarget & {
    ethereum?: unknown;
  },
): () => void {
  const announced = new Map<string, WalletOption>();
  const publish = () => {
    const list = [...announced.values()];
    const legacy = target.ethereum as Eip1193Provider | undefined;
    if (
      legacy && typeof legacy.request === "function" && !list.some((w) => w.provider === legacy)
    ) {
      list.push({ id: "injected", name: "Browser wallet", provider: legacy });
    }
    onChange(list);
  };
  const onAnnounce = (event: Event) => {
    const detail = (event as CustomEvent<AnnounceDetail>).detail;
    const provider = detail?.provider;
    const info = detail?.info;
    if (!provider || typeof provider.request !== "function" || !info) return;
    const id = String(info.rdns || info.uuid || "");
    if (!id) return;
    announced.set(id, {
      id,
      name: String(info.name || id).slice(0, 64),
      icon: typeof info.icon === "string" && info.icon.startsWith("data:image/")
        ? info.icon
        : undefined,
      provider,
    });
    publish();
  };
  target.addEventListener("eip6963:announceProvider", onAnnounce);
  target.dispatchEvent(new Event("eip6963:requestProvider"));
  publish();
  return () => target.removeEventListener("eip6963:announceProvider", onAnnounce);
}
