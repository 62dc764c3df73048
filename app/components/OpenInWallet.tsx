/**
 * "Open in your wallet app" links for a phone without a browser wallet: the same page opened inside
 * a mobile wallet's browser, where it can sign in (app/client/wallet_links.ts). Shown only on phones
 * and tablets, and only while no wallet was found in the page.
 * @module
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { isPhone, type WalletLink, walletLinks } from "../client/wallet_links.ts";

/** The links for the current page, or nothing when this is not a phone. */
export function OpenInWallet() {
  const links = useSignal<WalletLink[] | null>(null);
  useEffect(() => {
    const coarse = (globalThis.matchMedia?.("(pointer: coarse)").matches ?? false) ||
      navigator.maxTouchPoints > 0;
    if (isPhone(navigator.userAgent, coarse)) links.value = walletLinks(location.href);
  }, []);
  if (!links.value) return null;
  return (
    <nav aria-label="Open in a wallet app" class="space-y-2" data-testid="open-in-wallet">
      <p class="text-sm text-slate-300">
        On a phone, open this page in your wallet app's browser:
      </p>
      <ul class="flex flex-wrap gap-2">
        {links.value.map((link) => (
          <li key={link.name}>
            <a
              href={link.href}
              rel="noopener noreferrer"
              class="inline-flex min-h-11 items-center rounded-lg border border-slate-700 bg-slate-800/60 px-4 py-2 text-sm font-medium text-slate-100 hover:border-emerald-500/60 focus-visible:outline-2 focus-visible:outline-emerald-300"
              data-testid="wallet-link"
            >
              Open in {link.name}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
