/**
 * How long this device keeps a room session's keys (issue 16, item 2): the person's choice, a
 * non-secret preference, and the notices shown when kept keys are not used.
 * @module
 */
import type { Notice } from "./notices.ts";
import type { NotRestored } from "./key_keeper.ts";
import { readPreference, writePreference } from "./preferences.ts";

/** The choices offered, in hours (0: keep nothing). */
export const KEEP_HOURS = [0, 1, 4, 12, 24] as const;
/** The default: a few hours, long enough for an afternoon of reloads and returns. */
export const DEFAULT_KEEP_HOURS = 4;
const PREFERENCE = "keepKeysHours";

/**
 * The person's choice in hours (the default when none or an unknown value is stored).
 *
 * @returns One of {@linkcode KEEP_HOURS}.
 *
 * @example
 * ```ts
 * import { keepHours } from "./keep_choice.ts";
 * keepHours(); // 4 unless the person chose otherwise
 * ```
 */
export function keepHours(): number {
  const stored = Number(readPreference(PREFERENCE));
  return (KEEP_HOURS as readonly number[]).includes(stored) && readPreference(PREFERENCE) !== null
    ? stored
    : DEFAULT_KEEP_HOURS;
}

/**
 * Records the person's choice (applies to the keys kept from the next commitment on).
 *
 * @param hours One of {@linkcode KEEP_HOURS}.
 */
export function setKeepHours(hours: number): void {
  if ((KEEP_HOURS as readonly number[]).includes(hours)) writePreference(PREFERENCE, String(hours));
}

const SENTENCES: Record<Exclude<NotRestored, "none">, Omit<Notice, "kind">> = {
  expired: {
    tone: "info",
    message: "The keys this device kept for this room have expired: new keys are committed.",
  },
  unusable: {
    tone: "warning",
    message: "The keys this device kept for this room were damaged: they were erased, and new " +
      "keys are committed.",
  },
  mismatch: {
    tone: "warning",
    message: "The keys this device kept for this room are not the ones your address has " +
      "committed on chain now: they were erased and not used, and new keys are committed.",
  },
};

/**
 * The notice for kept keys that were not used.
 *
 * @param why Why they were refused.
 * @returns The notice (kind "kept-keys-<why>"), or null when nothing was kept.
 *
 * @example
 * ```ts
 * import { keptKeysNotice } from "./keep_choice.ts";
 * keptKeysNotice("mismatch")?.tone; // "warning"
 * ```
 */
export function keptKeysNotice(why: NotRestored): Notice | null {
  return why === "none" ? null : { kind: `kept-keys-${why}`, ...SENTENCES[why] };
}
