/**
 * A small spinning ring for waiting states.
 * @module
 */
import { cx } from "./format.ts";

/** A spinner, sized by the caller (default h-4 w-4). */
export function Spinner(props: { class?: string }) {
  return (
    <span
      class={cx(
        "inline-block animate-spin rounded-full border-2 border-current border-r-transparent",
        props.class ?? "h-4 w-4",
      )}
      role="status"
      aria-label="Loading"
    />
  );
}
