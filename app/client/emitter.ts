/**
 * Typed events for what the engine reports once, rather than as state: a message arrived, a
 * receipt came back, a problem to tell the person about.
 *
 * @example
 * ```ts
 * import { Emitter } from "./emitter.ts";
 * const events = new Emitter<{ text: string; gone: void }>();
 * const seen: string[] = [];
 * const off = events.on("text", (t) => seen.push(t));
 * events.emit("text", "hello");
 * off();
 * events.emit("text", "ignored");
 * seen; // ["hello"]
 * ```
 * @module
 */

/** Listeners by event name; each event's payload type is the value in `Events`. */
export class Emitter<Events extends Record<string, unknown>> {
  #listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  /**
   * Calls `listener` for every `type` event from now on.
   *
   * @returns A function that stops the calls.
   */
  on<K extends keyof Events>(type: K, listener: (payload: Events[K]) => void): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, set = new Set());
    set.add(listener);
    return () => void set.delete(listener);
  }

  /**
   * Calls the listeners of `type` in the order they were added. A listener that throws does not
   * stop the others (the error is reported to the runtime, as an event handler's would be).
   */
  emit<K extends keyof Events>(type: K, payload: Events[K]): void {
    for (const listener of [...this.#listeners.get(type) ?? []]) {
      try {
        (listener as (p: Events[K]) => void)(payload);
      } catch (e) {
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }
}
