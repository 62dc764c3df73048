/**
 * Buttons in three tones.
 * @module
 */
import type { ComponentChildren } from "preact";
import { cx } from "./format.ts";

const TONES = {
  primary:
    "bg-emerald-500 text-slate-950 hover:bg-emerald-400 focus-visible:outline-emerald-300 disabled:bg-slate-700 disabled:text-slate-400",
  secondary:
    "border border-slate-700 bg-slate-800/80 text-slate-100 hover:bg-slate-700 focus-visible:outline-slate-400 disabled:opacity-40",
  ghost:
    "text-slate-400 hover:bg-slate-800 hover:text-slate-100 focus-visible:outline-slate-500 disabled:opacity-40",
} as const;

/** Props of {@linkcode Button}. */
export interface ButtonProps {
  tone?: keyof typeof TONES;
  type?: "button" | "submit";
  disabled?: boolean;
  onClick?: () => void;
  class?: string;
  testid?: string;
  title?: string;
  children?: ComponentChildren;
}

/** A button. */
export function Button(props: ButtonProps) {
  return (
    <button
      type={props.type ?? "button"}
      disabled={props.disabled}
      onClick={props.onClick}
      title={props.title}
      data-testid={props.testid}
      class={cx(
        "inline-flex min-h-11 items-center justify-center gap-2 rounded-lg px-4 py-2 text-sm font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 disabled:cursor-not-allowed",
        TONES[props.tone ?? "primary"],
        props.class,
      )}
    >
      {props.children}
    </button>
  );
}
