/**
 * `deno task deploy [--network name] [--reset]`: deploys the RoomRegistry with Hardhat Ignition
 * (module `ignition/modules/RoomRegistry.ts`) to a network of `hardhat.config.ts` — `localhost` by
 * default — and prints its address. Ignition records it in
 * `ignition/deployments/chain-<id>/deployed_addresses.json`, where the app reads it; a second run
 * finds the recorded deployment and deploys nothing.
 *
 * Before Ignition runs, the network is checked (known name, configuration variables set, RPC
 * answering) so that a bad or missing configuration stops with one clear sentence. Ignition asks
 * for confirmation on every chain but 31337, unless HARDHAT_IGNITION_CONFIRM_DEPLOYMENT is set.
 *
 * @example
 * ```sh
 * deno task deploy                      # localhost (start it with `deno task chain`)
 * SEPOLIA_RPC_URL=... SEPOLIA_PRIVATE_KEY=... deno task deploy --network sepolia
 * ```
 * @module
 */
import { deployedRegistry } from "../app/chain/deployment.ts";
import type { Hex } from "viem";
import { probeChainId } from "./chain.ts";

/** The Ignition module file, relative to the project root. */
export const REGISTRY_MODULE = "ignition/modules/RoomRegistry.ts";
const HARDHAT = "npm:hardhat@3.18.0";
const PROBE_TIMEOUT_MS = 5_000;

/** A deployment problem, in one sentence. */
export class DeployError extends Error {
  override name = "DeployError";
}

/** What to deploy where. */
export interface DeployOptions {
  /** Network name from hardhat.config.ts. */
  network: string;
  /** Wipe Ignition's record for that chain first (a local chain that was restarted). */
  reset?: boolean;
}

/** The result of a deployment. */
export interface Deployment {
  network: string;
  chainId: number;
  registry: Hex;
}

/**
 * Parses the command line of `deno task deploy`.
 *
 * @param args `Deno.args`.
 * @returns The options; the network defaults to `localhost`.
 * @throws {DeployError} On an unknown flag or a missing network name.
 */
export function parseDeployArgs(args: string[]): DeployOptions {
  const options: DeployOptions = { network: "localhost", reset: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--reset") options.reset = true;
    else if (arg === "--network" && args[i + 1] && !args[i + 1].startsWith("--")) {
      options.network = args[++i];
    } else if (arg.startsWith("--network=") && arg.length > 10) options.network = arg.slice(10);
    else if (arg === "--network") throw new DeployError("Cannot deploy: --network needs a name.");
    else throw new DeployError(`Cannot deploy: unknown argument ${arg} (use --network name).`);
  }
  return options;
}

/**
 * Checks the network and returns its RPC URL and chain id, without revealing any secret.
 *
 * @param network Network name from hardhat.config.ts.
 * @returns The chain id the RPC reports.
 * @throws {DeployError} With one sentence naming what is wrong.
 */
export async function checkNetwork(network: string): Promise<{ url: string; chainId: number }> {
  const { default: hre } = await import("hardhat");
  const config = hre.config.networks[network];
  const httpNetworks = Object.entries(hre.config.networks)
    .filter(([, c]) => c.type === "http").map(([name]) => name);
  if (config === undefined || config.type !== "http") {
    throw new DeployError(
      `Cannot deploy: hardhat.config.ts has no network named "${network}" to deploy to ` +
        `(choose one of ${httpNetworks.join(", ")}).`,
    );
  }
  const url = await resolveVariable(network, "RPC URL", config.url);
  if (Array.isArray(config.accounts)) {
    if (config.accounts.length === 0) {
      throw new DeployError(`Cannot deploy to ${network}: no deployer account is configured.`);
    }
    const key = await resolveVariable(network, "deployer key", config.accounts[0]);
    if (!/^(0x)?[0-9a-fA-F]{64}$/.test(key.trim())) {
      throw new DeployError(
        `Cannot deploy to ${network}: the deployer key ${variableName(config.accounts[0])} ` +
          "is not a 32-byte hex private key.",
      );
    }
  }
  const chainId = await probeChainId(url, PROBE_TIMEOUT_MS);
  if (chainId === undefined) {
    const hint = network === "localhost" ? " (start it with `deno task chain`)" : "";
    throw new DeployError(
      `Cannot deploy to ${network}: no Ethereum JSON-RPC node answers at ${redact(url)}${hint}.`,
    );
  }
  return { url, chainId };
}

/**
 * Deploys (or finds the recorded deployment of) the registry with Ignition.
 *
 * @param options Network and reset flag.
 * @returns The network, chain id and registry address.
 * @throws {DeployError} When the network is misconfigured or Ignition fails.
 */
export async function deployRegistry(options: DeployOptions): Promise<Deployment> {
  const { network, reset = false } = options;
  const { chainId } = await checkNetwork(network);
  const args = ["run", "-A", HARDHAT, "ignition", "deploy", REGISTRY_MODULE, "--network", network];
  if (reset) args.push("--reset");
  const status = await new Deno.Command(Deno.execPath(), {
    args,
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  if (!status.success) {
    throw new DeployError(`Cannot deploy to ${network}: Hardhat Ignition failed (see above).`);
  }
  const registry = deployedRegistry(chainId);
  if (registry === undefined) {
    throw new DeployError(
      `Cannot deploy to ${network}: Ignition recorded no RoomRegistry for chain ${chainId}.`,
    );
  }
  return { network, chainId, registry };
}

async function resolveVariable(
  network: string,
  what: string,
  variable: ConfigVariable,
): Promise<string> {
  try {
    const value = await variable.get();
    if (value.trim() === "") throw new Error("empty");
    return value;
  } catch {
    const name = variableName(variable);
    throw new DeployError(
      `Cannot deploy to ${network}: the ${what} is not set (set ${name} in the environment ` +
        `or with \`deno task hardhat keystore set ${name}\`).`,
    );
  }
}

interface ConfigVariable {
  get(): Promise<string>;
}

/** The name of a `configVariable(...)`, or a description of a fixed value. */
function variableName(variable: ConfigVariable): string {
  const name = (variable as { name?: unknown }).name;
  return typeof name === "string" ? name : "(fixed in hardhat.config.ts)";
}

/** Keeps scheme, host and port of a URL: RPC URLs often carry an API key in path or query. */
function redact(url: string): string {
  try {
    const { protocol, host } = new URL(url);
    return `${protocol}//${host}`;
  } catch {
    return "the configured URL";
  }
}

if (import.meta.main) {
  try {
    const { network, chainId, registry } = await deployRegistry(parseDeployArgs(Deno.args));
    console.log(`RoomRegistry on ${network} (chain ${chainId}): ${registry}`);
  } catch (error) {
    console.error(error instanceof DeployError ? error.message : `Cannot deploy: ${error}`);
    Deno.exit(1);
  }
}
