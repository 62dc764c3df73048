/**
 * The engine's way of reporting state without knowing any UI: a value that can be read now and
 * watched for changes. Islands adapt it to a Preact signal (`useStore` in app/components/); tests
 * read `value` and `subscribe` directly.
 *
 * @example
 * ```ts
 * import { Store } from "./store.ts";
 * const step = new Store("idle");
 * const seen: string[] = [];
 * const stop = step.subscribe((v) => seen.push(v));
 * step.set("keys");
 * stop();
 * step.set("ready");
 * seen; // ["keys"]
 * ```
 * @module
 */

/** A value to read and watch, not to write. */
export interface ReadableStore<T> {
  /** The current value. */
  readonly value: T;
  /**
   * Calls `listener` with every new value (not with the current one).
   *
   * @returns A function that stops the calls.
   */
  subscribe(listener: (value: T) => void): () => void;
}

/** A value its owner writes and anyone reads and watches. Equal values (`Object.is`) notify no one. */
export class Store<T> implements ReadableStore<T> {
  #value: T;
  #listeners = new Set<(value: T) => void>();

  /** @param initial The first value. */
  constructor(initial: T) {
    this.#value = initial;
  }

  /** The current value. */
  get value(): T {
    return this.#value;
  }

  /**
   * Replaces the value and notifies the listeners.
   *
   * @param value The new value.
   */
  set(value: T): void {
    if (Object.is(value, this.#value)) return;
    this.#value = value;
    for (const listener of [...this.#listeners]) listener(value);
  }

  /**
   * Replaces the value by a function of the current one (objects: return a new object).
   *
   * @param change From the current value to the new one.
   */
  update(change: (value: T) => T): void {
    this.set(change(this.#value));
  }

  subscribe(listener: (value: T) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }
}
