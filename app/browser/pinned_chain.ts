/**
 * The chain a bundle was built for (issue 10, item 4): the chain id and RoomRegistry address, and
 * ENS's UniversalResolver and RPC URL where names are shown, are written into the island bundle
 * when it is built, so changing them changes the bundle (and its hash, which `deno task start`
 * prints and the page pins with Subresource Integrity). The page then refuses island props that
 * name another chain, registry or name resolver: a server cannot point this code at a registry of
 * its own that "confirms" its own keys, or at a resolver that puts a trusted name on a stranger's
 * address, without also changing the code.
 * @module
 */
import { type PinnedChain, pinOf } from "../shared/public_config.ts";

export type { PinnedChain };

/**
 * Makes the check `boot` runs on every island's props: a `config` prop must name the pinned
 * chain, registry and ENS settings (absent on both sides counts as the same).
 *
 * @param pinned What the bundle was built for.
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
  const pin = pinOf(pinned);
  return (props) => {
    const config = props.config as Record<string, unknown> | undefined;
    if (config === undefined) return null;
    const registry = String(config.registry);
    if (config.chainId !== pin.chainId || registry.toLowerCase() !== pin.registry) {
      return `This page names RoomRegistry ${registry} on chain ${String(config.chainId)}, but ` +
        `its code was built for RoomRegistry ${pin.registry} on chain ${pin.chainId}. ` +
        `Mesh3 refuses to run: the server may be pointing you at a registry that is not the ` +
        `real one. Do not use this page.`;
    }
    const resolver = typeof config.ensUniversalResolver === "string"
      ? config.ensUniversalResolver.toLowerCase()
      : config.ensUniversalResolver;
    const rpc = config.ensRpcUrl;
    if (resolver !== pin.ensUniversalResolver || rpc !== pin.ensRpcUrl) {
      const named = (r: unknown, u: unknown) =>
        r === undefined ? "no ENS resolver" : `ENS resolver ${String(r)}` +
          (u === undefined ? "" : ` via ${String(u)}`);
      return `This page names ${named(resolver, rpc)}, but its code was built for ` +
        `${named(pin.ensUniversalResolver, pin.ensRpcUrl)}. Mesh3 refuses to run: the server ` +
        `may be pointing you at a name resolver that puts trusted names on strangers' ` +
        `addresses. Do not use this page.`;
    }
    return null;
  };
}
