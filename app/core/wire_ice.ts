/**
 * The ICE servers a `joined` carries (docs/PROTOCOL.md section 7): their type and schema, and the
 * check the server makes before it sends them.
 * @module
 */
import * as v from "valibot";

/** The ICE servers a `joined` carries (the body `GET /api/ice` answers with). */
export interface WireIceConfig {
  iceServers: { urls: string | string[]; username?: string; credential?: string }[];
  iceTransportPolicy?: "all" | "relay";
}

/** A STUN or TURN URL, as browsers and the server take them. */
export const ICE_URL_PATTERN = /^(stuns?|turns?):\S+$/;

const iceUrl = v.pipe(v.string(), v.maxLength(1024), v.regex(ICE_URL_PATTERN));
/** The schema of a `joined`'s `ice` (wire.ts). */
export const iceConfig = v.strictObject({
  iceServers: v.pipe(
    v.array(v.strictObject({
      urls: v.union([iceUrl, v.pipe(v.array(iceUrl), v.minLength(1), v.maxLength(16))]),
      username: v.optional(v.pipe(v.string(), v.maxLength(1024))),
      credential: v.optional(v.pipe(v.string(), v.maxLength(1024))),
    })),
    v.maxLength(32),
  ),
  iceTransportPolicy: v.optional(v.picklist(["all", "relay"])),
});

/**
 * Whether an ICE configuration fits in a `joined` as browsers parse it (the server checks before
 * sending one: a `joined` the browser refuses would leave it outside the room).
 *
 * @param config ICE servers as `GET /api/ice` gives them.
 * @returns True when a browser's parser accepts it.
 *
 * @example
 * ```ts
 * import { isWireIceConfig } from "./wire_ice.ts";
 * isWireIceConfig({ iceServers: [{ urls: "stun:stun.example:3478" }] }); // true
 * isWireIceConfig({ iceServers: [{ urls: "http://x" }] }); // false
 * ```
 */
export function isWireIceConfig(config: unknown): config is WireIceConfig {
  return v.is(iceConfig, config);
}
