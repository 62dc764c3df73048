/**
 * The type of Mesh3's one configuration ({@linkcode Config}); `loadConfig` (load_config.ts) fills
 * it from `MESH3_*` variables.
 * @module
 */
import type { Hex } from "viem";
import type { EnsConfig } from "./ens_config.ts";
import type { IceConfig } from "./ice_config.ts";
import type { Limits } from "./limits.ts";

/** The whole configuration. */
export interface Config extends EnsConfig {
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
  /** `redis://` or `rediss://` URL of the shared state (`MESH3_REDIS_URL`): several instances act
   * as one. Undefined: state stays in this process (the default). */
  redisUrl?: string;
  ice: IceConfig;
  limits: Limits;
  /** Largest file a browser sends or accepts in a room (`MESH3_FILE_MAX_BYTES`; told to pages). */
  fileMaxBytes: number;
}

/** Default largest file: 4 GiB. */
export const DEFAULT_FILE_MAX_BYTES = 4 * 1024 ** 3;

/** What `loadConfig` reads besides the environment (tests pass their own). */
export interface ConfigDeps {
  deployedRegistry(chainId: number): Hex | undefined;
}
