/**
 * Mesh3's configuration: the types ({@linkcode Config}, {@linkcode Limits},
 * {@linkcode IceConfig}), the defaults, and {@linkcode loadConfig}, which reads them from
 * `MESH3_*` environment variables. The top-level `fresh.config.ts` is this module's face.
 *
 * @example
 * ```ts
 * const config = loadConfig({ MESH3_REGISTRY: "0x5FbDB2315678afecb367f032d93F642f64180aa3" });
 * config.limits.maxPeersPerRoom; // 16
 * ```
 * @module
 */
export { type Config, type ConfigDeps, DEFAULT_FILE_MAX_BYTES } from "./config.ts";
export { ConfigError } from "./config_error.ts";
export { type EnvReader, envReader } from "./env.ts";
export { type IceConfig, iceConfig, type IceServer } from "./ice_config.ts";
export { DEFAULT_LIMITS, type Limits, readLimits } from "./limits.ts";
export { loadConfig } from "./load_config.ts";
