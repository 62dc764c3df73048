/**
 * A small status pill (open, members only, closed, expired…).
 * @module
 */
import type { ComponentChildren } from "preact";

/** Colour of a {@linkcode Badge}. */
export type BadgeTone = "good" | "info" | "warn" | "bad" | "muted";

const TONES: Record<BadgeTone, string> = {
  good: "border-emerald-500/30 bg-emerald-500/10 text-emerald-300",
  info: "border-sky-500/30 bg-sky-500/10 text-sky-300",
  warn: "border-amber-500/30 bg-amber-500/10 text-amber-300",
  bad: "border-rose-500/30 bg-rose-500/10 text-rose-300",
  muted: "border-slate-700 bg-slate-800/60 text-slate-400",
};

/**
 * A status pill.
 *
 * @example
 * ```tsx
 * import { Badge } from "./Badge.tsx";
 * const b = <Badge tone="good">Open</Badge>;
 * ```
 */
export function Badge(props: { tone: BadgeTone; children?: ComponentChildren }) {
  return (
    <span
      class={`inline-flex items-center rounded-full border px-2.5 py-0.5 text-xs font-medium ${
        TONES[props.tone]
      }`}
    >
      {props.children}
    </span>
  );
}
