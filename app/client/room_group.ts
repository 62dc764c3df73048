/**
 * The group side of a room session (docs/PROTOCOL.md section 12): texts go to every open link
 * naming the roster hash this browser sees (itself and each open link with the commitment it
 * verified, core group.ts); a peer's text is checked against our roster and its hash is echoed
 * to the author and every other open link in a receipt; receipts are checked against what we
 * hold ({@linkcode GroupLedger}). What does not add up is reported as a `group` event (and a
 * notice for a text that never reached us).
 * @module
 */
import type { Address, Hex } from "viem";
import { groupMessageHash, rosterHash } from "../core/group.ts";
import type { ReceiptMessage } from "../core/message.ts";
import type { Emitter } from "./emitter.ts";
import { type GroupFlag, GroupLedger, MISSING_GRACE_MS } from "./group_ledger.ts";
import type { Notice } from "./notices.ts";
import type { IncomingText, PeerLink } from "./peer_link.ts";

/** What the group side reports (part of the session's events). */
export type RoomGroupEvents = {
  /** A peer acknowledged our text `id` (its receipt echoed the hash we sent). */
  delivered: { id: string; from: Address };
  /** The room's texts do not add up: a sender may be showing people different histories. */
  group: GroupFlag;
  notice: Notice;
};

/** Inputs of {@linkcode RoomGroup}. */
export interface RoomGroupOptions {
  roomId: Hex;
  self: Address;
  /** Our commitment (null before the session has keys). */
  commitment(): Hex | null;
  /** The session's links now. */
  links(): readonly PeerLink[];
  events: Pick<Emitter<RoomGroupEvents>, "emit">;
  /** How long a text others got may take to reach us before it is flagged missing. */
  missingGraceMs?: number;
}

/** What {@linkcode RoomGroup.send} did with a text. */
export interface SendResult {
  id: string;
  /** The peers whose open channel took it (lower-case addresses). */
  to: Address[];
}

const ZERO_HASH: Hex = `0x${"00".repeat(32)}`;

/**
 * Group texts and receipts of one room session.
 *
 * @example
 * ```ts ignore
 * const group = new RoomGroup({ roomId, self, commitment: () => keys.commitment, links, events });
 * group.watch(link); // for every new link
 * group.start();
 * await group.send("hello", "m1");
 * group.stop();
 * ```
 */
export class RoomGroup {
  #o: RoomGroupOptions;
  #ledger: GroupLedger;
  #graceMs: number;
  #sweepTimer: ReturnType<typeof setInterval> | undefined;

  /** @param o The room, us, and where links and events are. */
  constructor(o: RoomGroupOptions) {
    this.#o = o;
    this.#graceMs = o.missingGraceMs ?? MISSING_GRACE_MS;
    this.#ledger = new GroupLedger(o.self, { graceMs: this.#graceMs });
  }

  /** Starts flagging texts others got that never reached us. */
  start(): void {
    clearInterval(this.#sweepTimer);
    this.#sweepTimer = setInterval(
      () => this.#flag(this.#ledger.sweep()),
      Math.min(1_000, this.#graceMs),
    );
  }

  /** Stops the sweep. */
  stop(): void {
    clearInterval(this.#sweepTimer);
  }

  /**
   * The roster hash as this session sees it: itself and every open (verified, key-confirmed)
   * link, each with the commitment verified.
   *
   * @param open The links to count (default: the open ones now).
   * @returns The roster hash.
   * @throws {Error} Before the session has keys (as a rejection).
   */
  async roster(open: readonly PeerLink[] = this.#open()): Promise<Hex> {
    const own = this.#o.commitment();
    if (!own) throw new Error("Cannot compute the roster: the session has no keys yet");
    const members = [{ address: this.#o.self, commitment: own }];
    for (const l of open) {
      const commitment = l.verifiedCommitment;
      if (commitment) members.push({ address: l.peer, commitment });
    }
    return await rosterHash(this.#o.roomId, members);
  }

  /**
   * Sends a text to every open link, naming our roster.
   *
   * @param text The text.
   * @param id Its id.
   * @returns The id and the peers that took it.
   */
  async send(text: string, id: string): Promise<SendResult> {
    const open = this.#open();
    if (open.length === 0) return { id, to: [] };
    const roster = await this.roster(open);
    const sentAt = Date.now();
    const author = lower(this.#o.self);
    const hash = await groupMessageHash({
      roomId: this.#o.roomId,
      author,
      id,
      roster,
      sentAt,
      text,
    });
    this.#flag(this.#ledger.sent(id, hash));
    const message = { id, text, sentAt, roster };
    const took = await Promise.all(open.map((l) => l.send(message).catch(() => false)));
    return { id, to: open.filter((_, i) => took[i]).map((l) => lower(l.peer)) };
  }

  /** Checks the texts and receipts that come over a link. */
  watch(link: PeerLink): void {
    link.events.on("text", (m) => void this.#checkText(m).catch(() => {}));
    link.events.on(
      "receipt",
      ({ from, receipt }) => void this.#checkReceipt(from, receipt).catch(() => {}),
    );
  }

  async #checkText(m: IncomingText): Promise<void> {
    const author = lower(m.from);
    const [hash, own] = await Promise.all([
      groupMessageHash({ ...m, roomId: this.#o.roomId, author }),
      this.roster(),
    ]);
    this.#flag(this.#ledger.received(author, m.id, m.roster, hash, own));
    const receipt = { author, id: m.id, roster: m.roster, hash };
    for (const l of this.#open()) void l.sendReceipt(receipt).catch(() => {});
  }

  async #checkReceipt(from: Address, receipt: ReceiptMessage): Promise<void> {
    const own = await this.roster().catch(() => ZERO_HASH);
    const r = this.#ledger.receipt(from, receipt, own);
    if (r.delivered) this.#o.events.emit("delivered", { id: receipt.id, from });
    this.#flag(r.flags);
  }

  #flag(flags: GroupFlag[]): void {
    for (const f of flags) {
      this.#o.events.emit("group", f);
      if (f.kind === "missing") {
        this.#o.events.emit("notice", {
          kind: "group-missing",
          tone: "warning",
          message: f.message,
        });
      }
    }
  }

  #open(): PeerLink[] {
    return this.#o.links().filter((l) => l.state === "open");
  }
}

function lower(address: Address): Address {
  return address.toLowerCase() as Address;
}
