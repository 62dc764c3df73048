/**
 * An inline notice (error, warning, info, success) with an optional action.
 * @module
 */
import type { ComponentChildren } from "preact";
import { cx } from "./format.ts";

const TONES = {
  error: "border-rose-500/30 bg-rose-500/10 text-rose-200",
  warning: "border-amber-500/30 bg-amber-500/10 text-amber-200",
  info: "border-sky-500/30 bg-sky-500/10 text-sky-200",
  success: "border-emerald-500/30 bg-emerald-500/10 text-emerald-200",
} as const;

const ICONS = { error: "!", warning: "!", info: "i", success: "✓" } as const;

/** Props of {@linkcode Notice}. */
export interface NoticeProps {
  tone: keyof typeof TONES;
  title?: string;
  testid?: string;
  onDismiss?: () => void;
  children?: ComponentChildren;
}

/** A notice box. */
export function Notice(props: NoticeProps) {
  return (
    <div
      class={cx("flex items-start gap-3 rounded-xl border px-4 py-3 text-sm", TONES[props.tone])}
      role={props.tone === "error" ? "alert" : "status"}
      data-testid={props.testid}
      data-tone={props.tone}
    >
      <span
        class="mt-0.5 flex h-5 w-5 shrink-0 items-center justify-center rounded-full border border-current text-xs font-bold"
        aria-hidden="true"
      >
        {ICONS[props.tone]}
      </span>
      <div class="min-w-0 flex-1 leading-relaxed">
        {props.title && <p class="font-medium">{props.title}</p>}
        <div class={props.title ? "opacity-90" : ""}>{props.children}</div>
      </div>
      {props.onDismiss && (
        <button
          type="button"
          class="rounded px-1 text-current opacity-60 hover:opacity-100"
          onClick={props.onDismiss}
          aria-label="Dismiss"
        >
          ×
        </button>
      )}
    </div>
  );
}
