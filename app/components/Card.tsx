/**
 * The rounded panel every island section sits in.
 * @module
 */
import type { ComponentChildren } from "preact";
import { cx } from "./format.ts";

/** A titled card. */
export function Card(
  props: {
    title?: string;
    subtitle?: ComponentChildren;
    aside?: ComponentChildren;
    class?: string;
    testid?: string;
    children?: ComponentChildren;
  },
) {
  return (
    <section
      class={cx("rounded-2xl border border-slate-800 bg-slate-900/60 p-5 sm:p-6", props.class)}
      data-testid={props.testid}
    >
      {(props.title || props.aside) && (
        <div class="flex flex-wrap items-start justify-between gap-3">
          <div>
            {props.title && <h2 class="text-lg font-semibold text-slate-100">{props.title}</h2>}
            {props.subtitle && <p class="mt-1 text-sm text-slate-400">{props.subtitle}</p>}
          </div>
          {props.aside}
        </div>
      )}
      {props.children}
    </section>
  );
}
