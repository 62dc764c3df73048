/**
 * The chain a bundle was built for (issue 10, item 4): the chain id and RoomRegistry address are
 * written into the island bundle when it is built, so changing them changes the bundle (and its
 * hash, which `deno task start` prints and the page pins with Subresource Integrity). The page
 * then refuses island props that name another chain or registry: a server cannot point this code
 * at a registry of its own that "confirms" its own keys without also changing the code.
 * @module
 */

/** What a bundle is pinned to. */
export interface PinnedChain {
  chainId: number;
  registry: string;
}

/**
 * Makes the check `boot` runs on every island's props: a `config` prop must name the pinned
 * chain and registry.
 *
 * @param pinned The chain id and registry built into the bundle.
 * @returns A function giving null when the props agree, else why the page refuses them.
 *
 * @example
 * ```ts
 * import { pinnedChainCheck } from "./pinned_chain.ts";
 * const check = pinnedChainCheck({ chainId: 1, registry: "0xAa" });
 * check({ config: { chainId: 1, registry: "0xaa" } }); // null
 * check({ config: { chainId: 1, registry: "0xbb" } }); // "This page names RoomRegistry 0xbb…"
 * ```
 */
export function pinnedChainCheck(
  pinned: PinnedChain,
): (props: Record<string, unknown>) => string | null {
  return (props) => {
    const config = props.config as { chainId?: unknown; registry?: unknown } | undefined;
    if (config === undefined) return null;
    const registry = String(config.registry);
    if (
      config.chainId === pinned.chainId && registry.toLowerCase() === pinned.registry.toLowerCase()
    ) {
      return null;
    }
    return `This page names RoomRegistry ${registry} on chain ${String(config.chainId)}, but ` +
      `its code was built for RoomRegistry ${pinned.registry} on chain ${pinned.chainId}. ` +
      `Mesh3 refuses to run: the server may be pointing you at a registry that is not the real ` +
      `one. Do not use this page.`;
  };
}
