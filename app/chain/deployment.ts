/**
 * Where the app finds the registry that the last `deno task deploy` (Hardhat Ignition) recorded
 * for a chain: `ignition/deployments/chain-<id>/deployed_addresses.json`, key
 * `"RoomRegistryModule#RoomRegistry"`. Server side only (reads a file).
 *
 * @example
 * ```ts
 * const registry = deployedRegistry(31337); // "0x5FbDB2315678afecb367f032d93F642f64180aa3" or undefined
 * ```
 * @module
 */
import { getAddress, type Hex, isAddress } from "viem";

/** The key Ignition records the registry under (module id "RoomRegistryModule", future "RoomRegistry"). */
export const REGISTRY_FUTURE_ID = "RoomRegistryModule#RoomRegistry";

const DEPLOYMENTS = new URL("../../ignition/deployments/", import.meta.url);

/**
 * Returns the registry address last deployed to a chain, if any.
 *
 * @param chainId EIP-155 chain id.
 * @param deployments The Ignition deployments folder (default: the project's).
 * @returns The checksummed address, or undefined when nothing was deployed to that chain.
 * @throws {Error} If the deployment file exists but does not hold a valid address.
 */
export function deployedRegistry(chainId: number, deployments: URL = DEPLOYMENTS): Hex | undefined {
  const file = new URL(`chain-${chainId}/deployed_addresses.json`, deployments);
  let text: string;
  try {
    text = Deno.readTextFileSync(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  let address: unknown;
  try {
    address = (JSON.parse(text) as Record<string, unknown>)[REGISTRY_FUTURE_ID];
  } catch {
    throw new Error(`Cannot read the registry deployment: ${file.pathname} is not valid JSON`);
  }
  if (address === undefined) return undefined;
  if (typeof address !== "string" || !isAddress(address, { strict: false })) {
    throw new Error(
      `Cannot read the registry deployment: ${REGISTRY_FUTURE_ID} in ${file.pathname} is not an address`,
    );
  }
  return getAddress(address);
}
