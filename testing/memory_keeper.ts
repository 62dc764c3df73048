/**
 * A {@linkcode KeyKeeper} in a Map, for the engine's Deno tests (Deno has no IndexedDB; the
 * browser tests use the real one, app/client/indexed_db_keeper.ts). Like IndexedDB it hands back
 * copies: the keys are structured-cloned on the way in and out (the fake certificate, a plain
 * object with a method, is passed as is).
 * @module
 */
import type { KeptKeys, KeyKeeper } from "../app/client/key_keeper.ts";

/** A Map keeper; `records` is open to tests that tamper with what is kept. */
export class MemoryKeeper implements KeyKeeper {
  readonly records = new Map<string, KeptKeys>();

  get(id: string): Promise<KeptKeys | null> {
    const kept = this.records.get(id);
    return Promise.resolve(kept ? copy(kept) : null);
  }

  put(kept: KeptKeys): Promise<void> {
    this.records.set(kept.id, copy(kept));
    return Promise.resolve();
  }

  delete(id: string): Promise<void> {
    this.records.delete(id);
    return Promise.resolve();
  }

  clear(): Promise<void> {
    this.records.clear();
    return Promise.resolve();
  }
}

function copy(kept: KeptKeys): KeptKeys {
  const { certificate, ...rest } = kept;
  return { ...structuredClone(rest), certificate };
}
