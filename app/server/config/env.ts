/**
 * Reading `MESH3_*` values from an environment map: trimmed strings, bounded integers and
 * comma-separated lists, each refusal a {@linkcode ConfigError} naming the variable.
 * @module
 */
import { ConfigError } from "./config_error.ts";

/** Typed reads of one environment map. */
export interface EnvReader {
  /** The trimmed value, or undefined when unset or empty. */
  get(name: string): string | undefined;
  /** A decimal integer from `min` to `max`, or `fallback` when unset. */
  int(name: string, fallback: number, min: number, max: number): number;
  /** The comma-separated entries, trimmed, empty ones dropped. */
  list(name: string): string[];
}

/**
 * Reads values from `env`.
 *
 * @param env Usually `Deno.env.toObject()`.
 * @returns The reader.
 *
 * @example
 * ```ts
 * const { int, list } = envReader({ MESH3_PORT: "8080", MESH3_STUN_URLS: "stun:a, stun:b" });
 * int("MESH3_PORT", 8000, 0, 65535); // 8080
 * list("MESH3_STUN_URLS"); // ["stun:a", "stun:b"]
 * ```
 */
export function envReader(env: Record<string, string | undefined>): EnvReader {
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v === undefined || v === "" ? undefined : v;
  };
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}".`);
    }
    return n;
  };
  const list = (name: string) =>
    (get(name) ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
  return { get, int, list };
}
