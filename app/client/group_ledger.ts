/**
 * What this browser knows of the room's group texts, to catch a sender who shows different
 * peers different histories (docs/CRYPTO.md section 7c, docs/PROTOCOL.md section 12, core
 * group.ts). Each text names the sender's roster hash; its receivers echo its message hash to the
 * whole room in their receipts.
 * The ledger keeps, per (author, id), the hash we got and the hashes others reported, and flags:
 *
 * - `roster-mismatch`: a text named a roster other than the one we see;
 * - `equivocation`: someone reports another hash for a text we hold (or for ours), or the author
 *   sent us two texts under one id;
 * - `missing`: someone got a text whose roster is the one we see (so it names us) and it did not
 *   reach us within {@linkcode MISSING_GRACE_MS}.
 *
 * Detection, not proof: without signatures two peers who disagree cannot show a third which of
 * them lies, so a flag names both. Bounded: the newest {@linkcode MAX_TRACKED} texts are kept.
 * @module
 */
import type { Address, Hex } from "viem";
import type { ReceiptMessage } from "../core/message.ts";
import { shortAddress } from "../shared/short_address.ts";

/** How long a text others received may take to reach us before it counts as missing. */
export const MISSING_GRACE_MS = 10_000;
/** Texts (and reports of texts we do not hold) kept. */
export const MAX_TRACKED = 2_000;

/** What a flag says went wrong. */
export type GroupFlagKind = "roster-mismatch" | "equivocation" | "missing";

/** A detected inconsistency, with the sentence to show. */
export interface GroupFlag {
  kind: GroupFlagKind;
  /** The text's author and id. */
  author: Address;
  id: string;
  /** The peer whose report disagrees (absent for roster mismatches). */
  by?: Address;
  message: string;
}

/** A peer's receipt of a text we do not hold (yet). */
interface Report {
  by: Address;
  /** The roster the text named, and ours when the report came. */
  roster: Hex;
  ownRoster: Hex;
  hash: Hex;
  at: number;
}

const lower = (a: Address) => a.toLowerCase() as Address;

/**
 * The room's group-consistency ledger of one session.
 *
 * @example
 * ```ts
 * const self = "0x1111111111111111111111111111111111111111";
 * const alice = "0x2222222222222222222222222222222222222222";
 * const bob = "0x3333333333333333333333333333333333333333";
 * const roster = `0x${"aa".repeat(32)}` as const;
 * const ledger = new GroupLedger(self);
 * ledger.received(alice, "m1", roster, `0x${"01".repeat(32)}`, roster); // []
 * const receipt = { type: "receipt", author: alice, id: "m1", roster, hash: `0x${"02".repeat(32)}` } as const;
 * ledger.receipt(bob, receipt, roster).flags[0].kind; // "equivocation"
 * ```
 */
export class GroupLedger {
  #self: Address;
  #now: () => number;
  #graceMs: number;
  /** (author, id) → the hash we sent or received. */
  #held = new Map<string, Hex>();
  /** (author, id) → what others reported of it. */
  #reports = new Map<string, Report[]>();
  /** Flags already raised (kind, author, id, by), so each is raised once. */
  #raised = new Set<string>();

  /**
   * @param self Our address.
   * @param options A clock and grace period (tests).
   */
  constructor(self: Address, options: { now?: () => number; graceMs?: number } = {}) {
    this.#self = lower(self);
    this.#now = options.now ?? Date.now;
    this.#graceMs = options.graceMs ?? MISSING_GRACE_MS;
  }

  /**
   * Records one of our texts.
   *
   * @param id Its id.
   * @param hash Its message hash.
   * @returns Flags for reports of it that came before (a peer echoing another hash).
   */
  sent(id: string, hash: Hex): GroupFlag[] {
    return this.#hold(this.#self, id, hash);
  }

  /**
   * Records a text from a peer and checks it.
   *
   * @param author The peer who sent it.
   * @param id Its id.
   * @param roster The roster hash it named.
   * @param hash Its message hash as we computed it.
   * @param ownRoster Our roster hash now.
   * @returns Flags: another roster than ours, another text under this id, reports that differ.
   */
  received(author: Address, id: string, roster: Hex, hash: Hex, ownRoster: Hex): GroupFlag[] {
    author = lower(author);
    const flags: GroupFlag[] = [];
    if (roster !== ownRoster) {
      this.#raise(
        flags,
        "roster-mismatch",
        author,
        id,
        undefined,
        () =>
          `${shortAddress(author)} sent this with a different member list than you see: they ` +
          `may be showing people different histories (or someone joined or left just then).`,
      );
    }
    const before = this.#held.get(key(author, id));
    if (before !== undefined && before !== hash) {
      this.#raise(
        flags,
        "equivocation",
        author,
        id,
        author,
        () => `${shortAddress(author)} sent you two different messages under one id.`,
      );
      return flags;
    }
    return [...flags, ...this.#hold(author, id, hash)];
  }

  /**
   * Checks a peer's receipt (to us as the author, or echoed to us as another member).
   *
   * @param by The peer who sent the receipt.
   * @param r The receipt.
   * @param ownRoster Our roster hash now.
   * @returns Whether it acknowledges one of our texts, and any flags.
   */
  receipt(
    by: Address,
    r: ReceiptMessage,
    ownRoster: Hex,
  ): { delivered: boolean; flags: GroupFlag[] } {
    by = lower(by);
    const author = lower(r.author);
    const flags: GroupFlag[] = [];
    if (author === by) return { delivered: false, flags }; // Nobody acknowledges their own text.
    const held = this.#held.get(key(author, r.id));
    if (held === undefined) {
      // Not (yet) ours to compare: kept; it counts as missing only if it names our roster.
      if (author !== this.#self) {
        const { roster, hash } = r;
        this.#report(author, r.id, { by, roster, ownRoster, hash, at: this.#now() });
      }
      return { delivered: false, flags };
    }
    if (held !== r.hash) this.#disagree(flags, author, r.id, by);
    return { delivered: author === this.#self && held === r.hash, flags };
  }

  /**
   * Flags texts others got under our roster that have not reached us within the grace period.
   *
   * @returns The new `missing` flags.
   */
  sweep(): GroupFlag[] {
    const flags: GroupFlag[] = [];
    const due = this.#now() - this.#graceMs;
    for (const [k, reports] of this.#reports) {
      if (this.#held.has(k)) continue;
      const late = reports.find((r) => r.at <= due && r.roster === r.ownRoster);
      if (!late) continue;
      const [author, id] = split(k);
      this.#raise(
        flags,
        "missing",
        author,
        id,
        late.by,
        () =>
          `${shortAddress(late.by)} got a message from ${shortAddress(author)} that never ` +
          `reached you: ${shortAddress(author)} may be showing people different histories.`,
      );
    }
    return flags;
  }

  #hold(author: Address, id: string, hash: Hex): GroupFlag[] {
    const k = key(author, id);
    this.#held.set(k, hash);
    trim(this.#held);
    const flags: GroupFlag[] = [];
    for (const r of this.#reports.get(k) ?? []) {
      if (r.hash !== hash) this.#disagree(flags, author, id, r.by);
    }
    return flags;
  }

  #report(author: Address, id: string, r: Report): void {
    const k = key(author, id);
    const list = this.#reports.get(k) ?? [];
    if (list.some((x) => x.by === r.by)) return;
    list.push(r);
    this.#reports.set(k, list);
    trim(this.#reports);
  }

  #disagree(flags: GroupFlag[], author: Address, id: string, by: Address): void {
    this.#raise(
      flags,
      "equivocation",
      author,
      id,
      by,
      () =>
        author === this.#self
          ? `${shortAddress(by)} reports this message differently than you sent it: they may be ` +
            `misquoting you to the room.`
          : `${shortAddress(by)} got a different message from ${shortAddress(author)} under this ` +
            `id: ${shortAddress(author)} (or ${shortAddress(by)}) is showing people different ` +
            `histories.`,
    );
  }

  #raise(
    flags: GroupFlag[],
    kind: GroupFlagKind,
    author: Address,
    id: string,
    by: Address | undefined,
    sentence: () => string,
  ): void {
    const k = `${kind} ${key(author, id)} ${by ?? ""}`;
    if (this.#raised.has(k)) return;
    this.#raised.add(k);
    trim(this.#raised);
    flags.push({ kind, author, id, ...(by ? { by } : {}), message: sentence() });
  }
}

function key(author: Address, id: string): string {
  return `${author} ${id}`;
}

function split(k: string): [Address, string] {
  const [author, id] = k.split(" ");
  return [author as Address, id];
}

/** Drops the oldest entries past the bound (a Map and a Set keep insertion order). */
function trim(c: Map<string, unknown> | Set<string>): void {
  for (const k of c.keys()) {
    if (c.size <= MAX_TRACKED) return;
    c.delete(k);
  }
}
