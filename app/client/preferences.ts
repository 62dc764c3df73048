/**
 * Non-secret preferences in `localStorage` (which wallet was last picked, the "verified" mark of a
 * safety number is NOT one of them). Never keys, messages, signatures or session data.
 * @module
 */

const PREFIX = "mesh3.pref.";

/**
 * Reads a preference.
 *
 * @param name Preference name, for example "wallet".
 * @returns The stored value, or null when absent or storage is unavailable.
 *
 * @example
 * ```ts
 * const last = readPreference("wallet"); // "io.metamask" | "dev:1" | null
 * ```
 */
export function readPreference(name: string): string | null {
  try {
    return globalThis.localStorage?.getItem(PREFIX + name) ?? null;
  } catch {
    return null;
  }
}

/**
 * Writes a preference (best effort: private modes may refuse storage).
 *
 * @param name Preference name.
 * @param value A short, non-secret value.
 */
export function writePreference(name: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(PREFIX + name, value);
  } catch {
    // Storage refused: the preference is simply not remembered.
  }
}

/**
 * Removes a preference.
 *
 * @param name Preference name.
 */
export function clearPreference(name: string): void {
  try {
    globalThis.localStorage?.removeItem(PREFIX + name);
  } catch {
    // Nothing to do.
  }
}
