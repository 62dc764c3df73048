import assert from "node:assert/strict";
import { watchChain } from "./chain_watch.ts";

Deno.test("watchChain: reports unreachable, then reachable again, changes only", async () => {
  const answers = [true, false, false, true, true];
  let i = 0;
  const seen: boolean[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => done = r);
  const stop = watchChain({
    getBlockNumber: () => {
      const ok = answers[Math.min(i++, answers.length - 1)];
      if (i >= answers.length) done();
      return ok ? Promise.resolve(1n) : Promise.reject(new Error("Cannot reach: refused"));
    },
  }, { onChange: (ok) => seen.push(ok), intervalMs: 1 });
  await finished;
  await new Promise((r) => setTimeout(r, 10));
  stop();
  assert.deepEqual(seen.slice(0, 2), [false, true]);
});

Deno.test("watchChain: a read that never answers counts as unreachable", async () => {
  const seen: boolean[] = [];
  const stop = watchChain({ getBlockNumber: () => new Promise(() => {}) }, {
    onChange: (ok) => seen.push(ok),
    intervalMs: 1,
    timeoutMs: 5,
  });
  for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  stop();
  assert.deepEqual(seen, [false]);
});
