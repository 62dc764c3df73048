/**
 * A calm, clear error state: what happened, what to do, a way back.
 * @module
 */
import type { ComponentChildren } from "preact";

/** Props of {@linkcode ErrorPanel}. */
export interface ErrorPanelProps {
  /** HTTP status, shown small above the title. */
  status: number;
  /** One short line: what happened. */
  title: string;
  /** What it means and what to do. */
  children?: ComponentChildren;
}

/**
 * An error card with a link home.
 *
 * @example
 * ```tsx
 * import { ErrorPanel } from "./ErrorPanel.tsx";
 * const e = <ErrorPanel status={404} title="No such room">Check the link.</ErrorPanel>;
 * ```
 */
export function ErrorPanel(props: ErrorPanelProps) {
  return (
    <section
      class="rounded-2xl border border-slate-800 bg-slate-900/60 p-8"
      data-status={String(props.status)}
    >
      <p class="font-mono text-sm text-slate-400">Error {props.status}</p>
      <h1 class="mt-2 text-2xl font-semibold tracking-tight text-slate-100">{props.title}</h1>
      <div class="mt-3 max-w-prose leading-relaxed text-slate-400">{props.children}</div>
      <a
        href="/"
        class="mt-6 inline-flex items-center gap-2 rounded-lg bg-slate-800 px-4 py-2 text-sm font-medium text-slate-100 hover:bg-slate-700"
      >
        ← Back to Mesh3
      </a>
    </section>
  );
}
