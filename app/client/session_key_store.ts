/**
 * A room session's keys kept on this device (key_keeper.ts, issue 16): taken back at a return
 * when the chain still holds their commitment, kept after a new commitment is mined, erased when
 * the person leaves or the room is over. {@linkcode RoomSession} delegates its kept-keys steps
 * here and reports the outcome in its state.
 * @module
 */
import type { CommitmentReader } from "../chain/offer_check.ts";
import type { Notice } from "./notices.ts";
import { keptKeysNotice } from "./keep_choice.ts";
import {
  keepKeys,
  keptKeysId,
  type KeptKeysWhere,
  type KeyKeeper,
  restoreKeys,
} from "./key_keeper.ts";
import type { SessionKeys } from "./session_keys.ts";

/** Inputs of {@linkcode SessionKeyStore}. */
export interface SessionKeyStoreOptions {
  /** Where keys are kept and for how long after a commitment; absent: nothing is kept. */
  keep?: { keeper: KeyKeeper; forMs: number };
  /** Reads the member's current commitment, which kept keys must match. */
  reader: CommitmentReader;
  /** The session the keys belong to (chain, registry, room, member). */
  where: KeptKeysWhere;
  /** Told why kept keys were refused (and erased). */
  onNotice: (notice: Notice) => void;
}

/**
 * The kept keys of one room session.
 *
 * @example
 * ```ts ignore
 * const kept = new SessionKeyStore({ keep: { keeper, forMs }, reader, where, onNotice });
 * const back = await kept.restore();           // null: commit fresh keys, then…
 * const until = await kept.keep(fresh);        // …kept until `until` (null: not kept)
 * await kept.forget();                         // on leave or when the room is over
 * ```
 */
export class SessionKeyStore {
  /** The session the keys belong to. */
  readonly where: KeptKeysWhere;
  #keep: SessionKeyStoreOptions["keep"];
  #reader: CommitmentReader;
  #onNotice: (notice: Notice) => void;

  constructor(o: SessionKeyStoreOptions) {
    this.where = o.where;
    this.#keep = o.keep;
    this.#reader = o.reader;
    this.#onNotice = o.onNotice;
  }

  /** True when this session keeps its keys on the device. */
  get enabled(): boolean {
    return this.#keep != null;
  }

  /**
   * The kept keys, if the chain still holds their commitment; else null (they are erased and the
   * person told why).
   */
  async restore(): Promise<{ keys: SessionKeys; expiresAt: number } | null> {
    if (!this.#keep) return null;
    const r = await restoreKeys(this.#keep.keeper, this.#reader, this.where);
    if ("refused" in r) {
      const notice = keptKeysNotice(r.refused);
      if (notice) this.#onNotice(notice);
      return null;
    }
    return r;
  }

  /** Keeps committed keys; returns until when (wall-clock ms), null when they are not kept. */
  async keep(keys: SessionKeys): Promise<number | null> {
    if (!this.#keep) return null;
    const { keeper, forMs } = this.#keep;
    return await keepKeys(keeper, keys, this.where, forMs).catch(() => null);
  }

  /** Erases the keys kept for this session, if any (errors are ignored: nothing to do). */
  async forget(): Promise<void> {
    await this.#keep?.keeper.delete(keptKeysId(this.where)).catch(() => {});
  }
}
