/**
 * Speed and time left of a transfer, from the bytes done over the last few seconds.
 * @module
 */

/** How far back the speed looks. */
const WINDOW_MS = 3_000;

/**
 * A moving measure of bytes per second.
 *
 * @example
 * ```ts
 * import { RateMeter } from "./rate_meter.ts";
 * const m = new RateMeter(() => 0);
 * m.add(0);
 * ```
 */
export class RateMeter {
  #samples: [number, number][] = [];

  /** @param now The clock (ms). */
  constructor(readonly now: () => number = () => performance.now()) {}

  /** Records the total bytes done now. */
  add(total: number): void {
    const t = this.now();
    this.#samples.push([t, total]);
    while (this.#samples.length > 2 && t - this.#samples[0][0] > WINDOW_MS) this.#samples.shift();
  }

  /** Forgets the history (after a pause: the speed starts again). */
  reset(): void {
    this.#samples = [];
  }

  /** Bytes per second over the window (0 without two samples). */
  get speed(): number {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last || last[0] - first[0] < 200) return 0;
    return ((last[1] - first[1]) * 1000) / (last[0] - first[0]);
  }

  /**
   * Seconds left for `remaining` bytes at the current speed.
   *
   * @returns null while the speed is unknown.
   */
  eta(remaining: number): number | null {
    const speed = this.speed;
    return speed > 0 ? Math.ceil(remaining / speed) : null;
  }
}
