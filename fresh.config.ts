/**
 * Mesh3's one typed configuration, read from `MESH3_*` environment variables with defaults that
 * run locally (a Hardhat chain on 127.0.0.1:8545, chain id 31337, the registry of the last local
 * deploy). Bad values stop start-up with a {@linkcode ConfigError}: one sentence naming the
 * variable. The full list of variables is in docs/PROTOCOL.md ("Configuration").
 *
 * This top-level file is the configuration's face; the code lives in `app/server/config/`
 * (types, environment reading, limits, ICE).
 *
 * @example
 * ```ts
 * import { loadConfig } from "./fresh.config.ts";
 * const config = loadConfig({ MESH3_REGISTRY: "0x5FbDB2315678afecb367f032d93F642f64180aa3" });
 * ```
 * @module
 */
export {
  type Config,
  type ConfigDeps,
  ConfigError,
  DEFAULT_FILE_MAX_BYTES,
  DEFAULT_LIMITS,
  type IceConfig,
  type IceServer,
  type Limits,
  loadConfig,
} from "./app/server/config/mod.ts";
