/**
 * How long a wait has lasted, ticking every second ("4 s", "1 min 12 s"), so no wait looks frozen
 * (waiting for a wallet, a block, a peer). A `role="timer"`, which screen readers do not announce
 * on every tick.
 * @module
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { cx } from "./format.ts";

/**
 * Elapsed time since the value of `since` last changed (a step, a phase): restarts at 0 s on each
 * change.
 *
 * @example
 * ```tsx ignore
 * <Elapsed since={state.phase} />
 * ```
 */
export function Elapsed(props: { since: unknown; class?: string; testid?: string }) {
  const started = useRef({ key: props.since, at: Date.now() });
  if (started.current.key !== props.since) started.current = { key: props.since, at: Date.now() };
  const now = useSignal(Date.now());
  useEffect(() => {
    const timer = setInterval(() => now.value = Date.now(), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.floor((now.value - started.current.at) / 1000));
  return (
    <span
      role="timer"
      class={cx("tabular-nums text-slate-400", props.class)}
      data-testid={props.testid ?? "elapsed"}
      data-seconds={seconds}
    >
      {formatElapsed(seconds)}
    </span>
  );
}

/**
 * Seconds as people read a wait: "0 s", "59 s", "1 min 0 s", "2 h 3 min".
 *
 * @example
 * ```ts
 * import { formatElapsed } from "./Elapsed.tsx";
 * formatElapsed(72); // "1 min 12 s"
 * ```
 */
export function formatElapsed(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}
