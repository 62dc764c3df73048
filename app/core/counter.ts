/**
 * The sender's 64-bit sequence counter. It is the invocation field of every IV (frame.ts), so it
 * must never repeat: at 2^64 - 1 it stops with a typed error instead of wrapping to zero
 * (NIST SP 800-38D section 8.2.1: the invocation field shall not repeat under one key).
 * @module
 */
import { FrameError } from "./errors.ts";
import { MAX_SEQUENCE } from "./frame.ts";

/**
 * A strictly increasing counter from `start` up to 2^64 - 1, then exhausted for good.
 *
 * @example
 * ```ts
 * const c = new SequenceCounter();
 * c.take(); // 0n
 * c.take(); // 1n
 * ```
 */
export class SequenceCounter {
  #next: bigint;

  /**
   * @param start The first value (default 0); tests start near the end to reach exhaustion.
   * @throws {RangeError} If `start` is outside 0..2^64-1.
   */
  constructor(start = 0n) {
    if (start < 0n || start > MAX_SEQUENCE) {
      throw new RangeError("Cannot start counter: value is outside 64 bits");
    }
    this.#next = start;
  }

  /** The value the next `take` returns (or 2^64 once exhausted). */
  get next(): bigint {
    return this.#next;
  }

  /**
   * Returns the next value and moves past it.
   *
   * @throws {FrameError} "exhausted" once 2^64 - 1 was taken; it stays exhausted.
   */
  take(): bigint {
    const value = this.#next;
    if (value > MAX_SEQUENCE) {
      throw new FrameError(
        "exhausted",
        "Cannot seal frame: the 64-bit sequence counter is used up",
      );
    }
    this.#next = value + 1n;
    return value;
  }
}
