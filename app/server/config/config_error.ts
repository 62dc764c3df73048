/**
 * The error a bad configuration value stops start-up with.
 * @module
 */

/** Thrown for a bad configuration value; the message names the variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}
