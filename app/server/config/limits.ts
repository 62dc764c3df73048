/**
 * Abuse and resource limits (docs/PROTOCOL.md, "Limits"): their defaults, each overridable by
 * `MESH3_<NAME_IN_SNAKE_CASE>`.
 * @module
 */
import type { EnvReader } from "./env.ts";

/** Abuse and resource limits (docs/PROTOCOL.md, "Limits"). */
export interface Limits {
  maxFrameBytes: number;
  ratePerSecond: number;
  rateBurst: number;
  maxStrikes: number;
  maxSockets: number;
  maxSocketsPerIp: number;
  maxSocketsPerAddress: number;
  maxRoomsPerSocket: number;
  maxPeersPerRoom: number;
  maxSendBufferBytes: number;
  joinTimeoutMs: number;
  pingIntervalSeconds: number;
  sessionTtlSeconds: number;
  nonceTtlSeconds: number;
  maxSessions: number;
  maxSessionsPerAddress: number;
  maxSessionsPerIp: number;
  maxNonces: number;
  authPerMinutePerIp: number;
  icePerMinutePerAddress: number;
  clockSkewSeconds: number;
  chainPollMs: number;
  chainTimeoutMs: number;
  maxCacheEntries: number;
  chainNegativeCacheMs: number;
  chainFreshPollMs: number;
  chainReadsPerSecondPerAddress: number;
  chainReadBurstPerAddress: number;
  chainReadsPerSecondPerIp: number;
  chainReadBurstPerIp: number;
}

/** Default limits; each can be overridden by `MESH3_<NAME_IN_SNAKE_CASE>`. */
export const DEFAULT_LIMITS: Readonly<Limits> = {
  maxFrameBytes: 64 * 1024,
  ratePerSecond: 20,
  rateBurst: 50,
  maxStrikes: 20,
  maxSockets: 10_000,
  maxSocketsPerIp: 32,
  maxSocketsPerAddress: 8,
  maxRoomsPerSocket: 4,
  maxPeersPerRoom: 16,
  maxSendBufferBytes: 1024 * 1024,
  joinTimeoutMs: 10_000,
  pingIntervalSeconds: 30,
  sessionTtlSeconds: 12 * 3600,
  nonceTtlSeconds: 300,
  maxSessions: 50_000,
  maxSessionsPerAddress: 16,
  maxSessionsPerIp: 1000,
  maxNonces: 50_000,
  authPerMinutePerIp: 60,
  icePerMinutePerAddress: 30,
  clockSkewSeconds: 60,
  chainPollMs: 1000,
  chainTimeoutMs: 4000,
  maxCacheEntries: 100_000,
  chainNegativeCacheMs: 10_000,
  chainFreshPollMs: 25,
  chainReadsPerSecondPerAddress: 2,
  chainReadBurstPerAddress: 40,
  chainReadsPerSecondPerIp: 20,
  chainReadBurstPerIp: 200,
};

/**
 * The limits: each default, or its `MESH3_*` variable.
 *
 * @param int The environment's integer reader.
 * @returns Every limit.
 * @throws {ConfigError} For a value that is not an integer in range.
 *
 * @example
 * ```ts
 * import { envReader } from "./env.ts";
 * readLimits(envReader({ MESH3_MAX_PEERS_PER_ROOM: "3" }).int).maxPeersPerRoom; // 3
 * ```
 */
export function readLimits(int: EnvReader["int"]): Limits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
    const name = "MESH3_" + key.replace(/[A-Z]/g, (c) => "_" + c).toUpperCase();
    const min = key === "pingIntervalSeconds" ? 0 : key === "maxFrameBytes" ? 1024 : 1;
    limits[key] = int(name, DEFAULT_LIMITS[key], min, 1e9);
  }
  return limits;
}
