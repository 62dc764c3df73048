/**
 * The server's shared state: {@linkcode openSharedState} picks the backend from the config.
 * @module
 */
import type { Config } from "../config/mod.ts";
import { MemoryState, type MemoryStateOptions } from "./memory_state.ts";
import { RedisState } from "./redis_state.ts";
import type { SharedState } from "./shared_state.ts";

export { MemoryState, type MemoryStateOptions } from "./memory_state.ts";
export { RedisState } from "./redis_state.ts";
export * from "./shared_state.ts";

/**
 * Opens the shared state the config names: Redis when `redisUrl` is set, else memory.
 *
 * @param config From `loadConfig`.
 * @returns The state; close it on shutdown.
 *
 * @example
 * ```ts ignore
 * const state = await openSharedState(loadConfig(Deno.env.toObject()));
 * state.kind; // "memory" unless MESH3_REDIS_URL is set
 * ```
 */
export async function openSharedState(config: Config): Promise<SharedState> {
  const o = stateOptions(config);
  return config.redisUrl === undefined
    ? new MemoryState(o)
    : await RedisState.open(config.redisUrl, o);
}

/** The state's options from the config's limits. */
export function stateOptions(config: Config): MemoryStateOptions {
  const l = config.limits;
  return {
    nonceTtlSeconds: l.nonceTtlSeconds,
    maxNonces: l.maxNonces,
    sessionTtlSeconds: l.sessionTtlSeconds,
    maxSessions: l.maxSessions,
    maxSessionsPerAddress: l.maxSessionsPerAddress,
    maxSessionsPerIp: l.maxSessionsPerIp,
  };
}
