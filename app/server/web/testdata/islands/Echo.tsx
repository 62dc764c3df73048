/**
 * Fixture island: shows the value of a signal it shares with another island.
 * @module
 */
import type { Signal } from "@preact/signals";

/** Renders the signal's value. */
export default function Echo(props: { count: Signal<number> }) {
  return <p data-testid="echo">Echo {props.count}</p>;
}
