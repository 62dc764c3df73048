import assert from "node:assert/strict";
import { Emitter } from "./emitter.ts";
import { Store } from "./store.ts";

Deno.test("Store: notifies on change only, until unsubscribed", () => {
  const s = new Store({ n: 0 });
  const seen: number[] = [];
  const off = s.subscribe((v) => seen.push(v.n));
  s.update((v) => ({ n: v.n + 1 }));
  const same = s.value;
  s.set(same); // the same object: nobody is told
  s.set({ n: 2 });
  off();
  s.set({ n: 3 });
  assert.deepEqual(seen, [1, 2]);
  assert.equal(s.value.n, 3);
});

Deno.test("Store: a listener that unsubscribes another during a change does not break it", () => {
  const s = new Store(0);
  const seen: string[] = [];
  let offB = () => {};
  s.subscribe(() => {
    seen.push("a");
    offB();
  });
  offB = s.subscribe(() => seen.push("b"));
  s.set(1);
  s.set(2);
  assert.deepEqual(seen, ["a", "b", "a"]);
});

Deno.test("Emitter: typed events in order; a throwing listener does not stop the others", async () => {
  const e = new Emitter<{ text: string }>();
  const seen: string[] = [];
  e.on("text", () => {
    throw new Error("listener bug");
  });
  const off = e.on("text", (t) => seen.push(t));
  const errors: unknown[] = [];
  const onError = (ev: ErrorEvent) => {
    errors.push(ev.error);
    ev.preventDefault();
  };
  globalThis.addEventListener("error", onError);
  try {
    e.emit("text", "one");
    off();
    e.emit("text", "two");
    await new Promise((r) => setTimeout(r, 0));
  } finally {
    globalThis.removeEventListener("error", onError);
  }
  assert.deepEqual(seen, ["one"]);
  assert.equal(errors.length, 2);
});
