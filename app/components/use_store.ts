/**
 * Adapts an engine {@linkcode ReadableStore} (app/client/store.ts) to Preact: the component
 * re-renders when the store changes. The store is mirrored into a signal, the islands' state
 * primitive, so the component is subscribed the way every other piece of island state is.
 * @module
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { ReadableStore } from "../client/store.ts";

/**
 * The store's current value; the calling component re-renders on every change.
 *
 * @param store An engine store (a session's state, a link's status, a wallet's state).
 * @returns Its value now.
 *
 * @example
 * ```tsx ignore
 * function Step(props: { session: RoomSession }) {
 *   const { step } = useStore(props.session.state);
 *   return <p>{step}</p>;
 * }
 * ```
 */
export function useStore<T>(store: ReadableStore<T>): T {
  const mirror = useSignal(store.value);
  useEffect(() => {
    mirror.value = store.value;
    return store.subscribe((value) => mirror.value = value);
  }, [store]);
  // Reading the mirror subscribes this component; the live value is the store's own.
  void mirror.value;
  return store.value;
}
