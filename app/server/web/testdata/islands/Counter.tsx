/**
 * Fixture island for the islands mechanism tests: a button that increments a shared signal, with
 * JSX children passed as a slot.
 * @module
 */
import type { ComponentChildren } from "preact";
import type { Signal } from "@preact/signals";

/** Props of the Counter fixture. */
export interface CounterProps {
  count: Signal<number>;
  label: string;
  extra?: Record<string, unknown>;
  children?: ComponentChildren;
}

/** Renders `label: count` in a button that increments `count`, then its children. */
export default function Counter(props: CounterProps) {
  return (
    <div data-testid="counter">
      <button type="button" data-testid="increment" onClick={() => props.count.value++}>
        {props.label}: <span data-testid="count">{props.count}</span>
      </button>
      <pre data-testid="extra">{JSON.stringify(props.extra ?? null)}</pre>
      <div data-testid="slot">{props.children}</div>
    </div>
  );
}
