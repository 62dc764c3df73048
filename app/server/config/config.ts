/**
 * The types of Mesh3's one configuration ({@linkcode Config}) and the error a bad value stops
 * start-up with. `loadConfig` (load_config.ts) fills them from `MESH3_*` variables.
 * @module
 */
import type { Hex } from "viem";
import type { IceConfig } from "./ice_config.ts";
import type { Limits } from "./limits.ts";

/** Thrown for a bad configuration value; the message names the variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** The whole configuration. */
export interface Config {
  host: string;
  port: number;
  /** Origin users open, e.g. `http://localhost:8000`; SIWE domain and URI are checked against it. */
  publicOrigin: string;
  /** The SIWE `domain` (host[:port] of {@linkcode Config.publicOrigin}). */
  siweDomain: string;
  /** Origins allowed to open `/ws`, POST to `/api/*` and name in SIWE messages (public first). */
  allowedOrigins: string[];
  rpcUrl: string;
  chainId: number;
  chainName: string;
  registry: Hex;
  /** true on the local development chain (31337). */
  localDevChain: boolean;
  /** Count clients by the last `X-Forwarded-For` entry (only behind a reverse proxy). */
  trustProxy: boolean;
  ice: IceConfig;
  limits: Limits;
}

/** What `loadConfig` reads besides the environment (tests pass their own). */
export interface ConfigDeps {
  deployedRegistry(chainId: number): Hex | undefined;
}
