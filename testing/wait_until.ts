/**
 * A bounded poll for tests: reads a value until it is what the test waits for, or the tries run
 * out (no timing assertion: the caller asserts on the value it gets back).
 * @module
 */

/**
 * Reads `read()` until `done` holds for it, at most `tries` times, `everyMs` apart.
 *
 * @param read Gives the current value.
 * @param done Whether the value is the awaited one.
 * @param o How many reads at most (default 100) and how long between them (default 20 ms).
 * @returns The last value read (awaited or not: assert on it).
 *
 * @example
 * ```ts
 * let n = 0;
 * const value = await waitUntil(() => ++n, (v) => v >= 3, { everyMs: 1 });
 * console.log(value); // 3
 * ```
 */
export async function waitUntil<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  o: { tries?: number; everyMs?: number } = {},
): Promise<T> {
  const tries = o.tries ?? 100;
  let value = await read();
  for (let i = 1; i < tries && !done(value); i++) {
    await new Promise((r) => setTimeout(r, o.everyMs ?? 20));
    value = await read();
  }
  return value;
}
