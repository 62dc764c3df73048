/**
 * Which RoomRegistry the keys were checked against, shown beside the safety number, with a link
 * to look it up where the chain has a public block explorer (issue 10, item 4). The address is
 * the one built into the page's code (the page refuses props naming another); people who want to
 * be sure compare it with the one the room's creator or the operator published.
 * @module
 */
import type { Address } from "viem";

/** Public block explorers of the testnets and mainnets Mesh3 is deployed to, by chain id. */
const EXPLORERS: Readonly<Record<number, string>> = {
  1: "https://etherscan.io",
  11155111: "https://sepolia.etherscan.io",
  17000: "https://holesky.etherscan.io",
  84532: "https://sepolia.basescan.org",
  11155420: "https://sepolia-optimism.etherscan.io",
  421614: "https://sepolia.arbiscan.io",
};

/**
 * The registry's address on a chain, linked to its explorer page when there is one.
 *
 * @example
 * ```tsx ignore
 * <RegistryLine chainId={11155111} registry="0x5FbDB2315678afecb367f032d93F642f64180aa3" />
 * ```
 */
export function RegistryLine(props: { chainId: number; registry: Address }) {
  const explorer = EXPLORERS[props.chainId];
  return (
    <p class="mt-2 text-xs text-slate-400" data-testid="registry-line">
      Keys checked against RoomRegistry {explorer
        ? (
          <a
            class="break-all font-mono text-slate-300 underline"
            href={`${explorer}/address/${props.registry}`}
            target="_blank"
            rel="noopener noreferrer"
            data-testid="registry-link"
          >
            {props.registry}
          </a>
        )
        : <span class="break-all font-mono text-slate-300">{props.registry}</span>} on chain{" "}
      {props.chainId}
      {explorer ? "" : " (a local chain: no public explorer)"}. It must be the address the room's
      creator shared.
    </p>
  );
}
