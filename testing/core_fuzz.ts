/**
 * Test helper (not shipped) for the core's fuzz tests (`app/core/fuzz_test.ts`,
 * `app/core/interaction_fuzz_test.ts`): counts read from the environment, the shared seed, a
 * seeded PRNG and a frame mutator that always changes the frame.
 * @module
 */
import { HEADER_LENGTH } from "../app/core/frame.ts";
import { prng as mulberry32 } from "./ws_fuzz.ts";

/**
 * Reads a count from the environment, or `fallback` when it is unset or empty.
 *
 * @param name The environment variable.
 * @param fallback The count when it is not set.
 * @returns A safe non-negative integer.
 * @throws {RangeError} When the variable is set to something else.
 */
export function envInt(name: string, fallback: number): number {
  const raw = Deno.env.get(name);
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`Cannot read ${name}: not a count`);
  }
  return value;
}

/** The PRNG seed of every core fuzz test (`MESH3_FUZZ_SEED`), each mixing in its own constant. */
export const SEED = envInt("MESH3_FUZZ_SEED", 0x6d657368);

// Sanitizers are off for these tests only: they track every async op, which makes each of the
// millions of WebCrypto calls several times slower; the tests open no resources and leave no
// timers.
export const FAST = { sanitizeOps: false, sanitizeResources: false };

/** mulberry32: small, seeded, good enough to pick fuzz actions. */
export function prng(seed: number) {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
  return { next, int, bytes };
}
/** The generator `prng` returns. */
export type Rng = ReturnType<typeof prng>;

/** Changes a frame for sure: a bit flip, a truncation, extra bytes, or a rewritten header field. */
export function mutate(rng: Rng, frame: Uint8Array): Uint8Array {
  const out = mutateOnce(rng, frame);
  // Two random XORs on one byte can cancel out; a mutation must really change the frame.
  if (out.length === frame.length && out.every((x, i) => x === frame[i])) {
    out[rng.int(out.length)] ^= 0x80;
  }
  return out;
}

function mutateOnce(rng: Rng, frame: Uint8Array): Uint8Array {
  switch (rng.int(5)) {
    case 0: {
      const out = frame.slice();
      out[rng.int(out.length)] ^= 1 << rng.int(8);
      return out;
    }
    case 1:
      return frame.slice(0, rng.int(frame.length));
    case 2: {
      const out = new Uint8Array(frame.length + 1 + rng.int(32));
      out.set(frame);
      out.set(rng.bytes(out.length - frame.length), frame.length);
      return out;
    }
    case 3: { // a byte of the header set to another value (version, epoch or sequence)
      const out = frame.slice();
      const i = rng.int(HEADER_LENGTH);
      out[i] = (out[i] + 1 + rng.int(255)) & 0xff;
      return out;
    }
    default: { // several random bytes anywhere
      const out = frame.slice();
      const n = 1 + rng.int(4);
      for (let k = 0; k < n; k++) out[rng.int(out.length)] ^= 1 + rng.int(255);
      return out;
    }
  }
}
