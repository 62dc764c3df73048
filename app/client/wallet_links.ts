/**
 * "Open in wallet" links: on a phone without a wallet in the browser, a room link opened in the
 * phone's browser cannot sign in; these universal links open the same page inside a mobile
 * wallet's own browser (MetaMask, Coinbase Wallet, Trust Wallet), where it can. Pure functions:
 * the WalletPanel decides when to show them.
 * @module
 */

/** One wallet's link to open a page in its browser. */
export interface WalletLink {
  /** Wallet name, shown on the link. */
  name: string;
  /** The universal link. */
  href: string;
}

/**
 * The universal links that open `pageUrl` in a mobile wallet's browser. MetaMask takes the page
 * without its scheme in the path; Coinbase Wallet and Trust Wallet take it URL-encoded.
 *
 * @param pageUrl The page to open, an http(s) URL (a room link, with its `#members=` part).
 * @throws {TypeError} When `pageUrl` is not an http(s) URL.
 *
 * @example
 * ```ts
 * import { walletLinks } from "./wallet_links.ts";
 * walletLinks("https://mesh3.example/room/0x12")[0].href;
 * // "https://metamask.app.link/dapp/mesh3.example/room/0x12"
 * ```
 */
export function walletLinks(pageUrl: string): WalletLink[] {
  let url: URL;
  try {
    url = new URL(pageUrl);
  } catch {
    throw new TypeError(`Cannot build wallet links: ${JSON.stringify(pageUrl)} is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(`Cannot build wallet links: ${url.protocol} is not http(s)`);
  }
  const full = url.href;
  const withoutScheme = full.slice(url.protocol.length + 2);
  return [
    { name: "MetaMask", href: `https://metamask.app.link/dapp/${withoutScheme}` },
    {
      name: "Coinbase Wallet",
      href: `https://go.cb-w.com/dapp?cb_url=${encodeURIComponent(full)}`,
    },
    {
      name: "Trust Wallet",
      href: `https://link.trustwallet.com/open_url?coin_id=60&url=${encodeURIComponent(full)}`,
    },
  ];
}

/**
 * Whether the browser is a phone's or a tablet's (a touch screen and a mobile user agent), where
 * wallets live in apps rather than in the browser.
 *
 * @example
 * ```ts
 * import { isPhone } from "./wallet_links.ts";
 * isPhone("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)", true); // true
 * isPhone("Mozilla/5.0 (X11; Linux x86_64)", false); // false
 * ```
 */
export function isPhone(userAgent: string, coarsePointer: boolean): boolean {
  return coarsePointer && /Android|iPhone|iPad|iPod|Mobile/i.test(userAgent);
}
