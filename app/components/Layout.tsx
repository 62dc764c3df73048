/**
 * The visual frame of every page: header with the product name and chain, main column, footer.
 * @module
 */
import type { ComponentChildren } from "preact";
import { Logo } from "./Logo.tsx";

/** Props of {@linkcode Layout}. */
export interface LayoutProps {
  /** Human name of the chain the app verifies against, shown in the header. */
  chainName: string;
  /** EIP-155 chain id. */
  chainId: number;
  children?: ComponentChildren;
}

/**
 * Header, content and the "nothing is stored" footer.
 *
 * @example
 * ```tsx
 * import { Layout } from "./Layout.tsx";
 * const page = <Layout chainName="Sepolia" chainId={11155111}><p>Hi</p></Layout>;
 * ```
 */
export function Layout(props: LayoutProps) {
  return (
    <div class="flex min-h-screen flex-col">
      <header class="border-b border-slate-800/80">
        <div class="mx-auto flex max-w-3xl items-center justify-between gap-4 px-5 py-4">
          <a href="/" class="flex min-h-11 items-center gap-2.5 text-slate-100 hover:text-white">
            <Logo />
            <span class="text-lg font-semibold tracking-tight">Mesh3</span>
          </a>
          <span
            class="flex items-center gap-2 rounded-full border border-slate-800 bg-slate-900 px-3 py-1 text-xs text-slate-400"
            title={`Chain id ${props.chainId}`}
          >
            <span class="h-1.5 w-1.5 rounded-full bg-emerald-400" aria-hidden="true" />
            {props.chainName}
          </span>
        </div>
      </header>
      <main class="mx-auto w-full max-w-3xl flex-1 px-5 py-10">{props.children}</main>
      <footer class="border-t border-slate-800/80">
        <div class="mx-auto max-w-3xl px-5 py-6 text-sm leading-relaxed text-slate-400">
          <p>
            <span class="font-medium text-slate-400">Nothing is stored.</span>{" "}
            Messages go browser to browser, end-to-end encrypted. The server only introduces peers,
            keeps nothing on disk, and forgets you when you leave.
          </p>
        </div>
      </footer>
    </div>
  );
}
