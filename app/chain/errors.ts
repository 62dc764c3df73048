/**
 * The one error for "the chain cannot be read", whoever reads it: the server's cached view (which
 * answers `chain-unavailable` and fails closed) and the browser reading through the wallet's
 * provider (which says so on screen and refuses to verify anyone meanwhile).
 * @module
 */

/**
 * Thrown when the chain cannot be read (RPC unreachable, timed out, or refusing).
 *
 * @example
 * ```ts
 * import { ChainUnavailableError } from "./errors.ts";
 * const e = new ChainUnavailableError("connection refused");
 * e.message; // "Cannot read the chain: connection refused"
 * ```
 */
export class ChainUnavailableError extends Error {
  override name = "ChainUnavailableError";
  /** @param detail What failed (never a key or a secret), or nothing. */
  constructor(detail = "the RPC endpoint is unreachable") {
    super(`Cannot read the chain: ${detail}`);
  }
}
