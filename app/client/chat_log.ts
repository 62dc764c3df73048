/**
 * The conversation of one room session as a list of entries: our texts with their delivery state,
 * the peers' texts as they arrive. A model with no UI: the Room island shows
 * {@linkcode ChatLog.entries}; tests read it. Bounded to the last {@linkcode MAX_ENTRIES}.
 *
 * A receipt counts only when it names one of our messages, echoes the hash we sent and comes
 * from a peer that message was sent to: another peer cannot mark it delivered. Group flags
 * (room_group.ts: another member list, another text under the same id) are shown on the entry
 * they concern.
 * @module
 */
import type { Address } from "viem";
import type { IncomingText } from "./peer_link.ts";
import { newMessageId, type RoomSession } from "./room_session.ts";
import { Store } from "./store.ts";

/** Entries kept; older ones are dropped. */
export const MAX_ENTRIES = 500;

/** One line of the chat. */
export interface ChatEntry {
  id: string;
  from: Address;
  mine: boolean;
  text: string;
  /** Sent at, in ms since the epoch (the sender's clock for received texts). */
  at: number;
  status: "sending" | "sent" | "delivered" | "failed" | "received";
  /** Our texts: the peers it was sent to, and those that acknowledged it (lower case). */
  to: readonly Address[];
  deliveredBy: readonly Address[];
  /** Why this text may not be what the others saw (group checks), one sentence each. */
  warnings: readonly string[];
}

/**
 * The chat of a session.
 *
 * @example
 * ```ts ignore
 * const chat = new ChatLog(session);
 * chat.entries.subscribe((entries) => render(entries));
 * await chat.send("hello");
 * chat.dispose();
 * ```
 */
export class ChatLog {
  readonly entries = new Store<readonly ChatEntry[]>([]);
  #session: Pick<RoomSession, "events" | "send" | "wallet">;
  #off: (() => void)[];

  /** @param session The session whose messages this log keeps. */
  constructor(session: Pick<RoomSession, "events" | "send" | "wallet">) {
    this.#session = session;
    this.#off = [
      session.events.on("text", (m) => this.#received(m)),
      session.events.on("delivered", (d) => this.#delivered(d.id, d.from)),
      session.events.on("group", (f) => this.#warn(f.author, f.id, f.message)),
    ];
  }

  /**
   * Sends a text to every open link and records it with its delivery state.
   *
   * @param text The text (trimmed by the caller).
   */
  async send(text: string): Promise<void> {
    const id = newMessageId();
    this.#push({
      id,
      from: this.#session.wallet.address,
      mine: true,
      text,
      at: Date.now(),
      status: "sending",
      to: [],
      deliveredBy: [],
      warnings: [],
    });
    const { to } = await this.#session.send(text, id);
    this.#patch(id, (e) => {
      // Receipts that came back before send() returned count only from peers it went to.
      const deliveredBy = e.deliveredBy.filter((by) => to.includes(by));
      const status = to.length === 0 ? "failed" : deliveredBy.length > 0 ? "delivered" : "sent";
      return { ...e, to, deliveredBy, status };
    });
  }

  /** Stops listening to the session. */
  dispose(): void {
    for (const off of this.#off.splice(0)) off();
  }

  #received(m: IncomingText): void {
    this.#push({
      id: m.id,
      from: m.from,
      mine: false,
      text: m.text,
      at: m.sentAt,
      status: "received",
      to: [],
      deliveredBy: [],
      warnings: [],
    });
  }

  #warn(author: Address, id: string, message: string): void {
    const from = author.toLowerCase();
    this.entries.set(
      this.entries.value.map((e) =>
        e.id === id && e.from.toLowerCase() === from && !e.warnings.includes(message)
          ? { ...e, warnings: [...e.warnings, message] }
          : e
      ),
    );
  }

  #delivered(id: string, from: Address): void {
    const by = from.toLowerCase() as Address;
    this.#patch(id, (e) => {
      // While sending, `to` is not known yet: the receipt is kept and checked when it is.
      if (e.status !== "sending" && !e.to.includes(by)) return e;
      if (e.deliveredBy.includes(by)) return e;
      return { ...e, status: "delivered", deliveredBy: [...e.deliveredBy, by] };
    });
  }

  #push(entry: ChatEntry): void {
    this.entries.set([...this.entries.value, entry].slice(-MAX_ENTRIES));
  }

  #patch(id: string, change: (e: ChatEntry) => ChatEntry): void {
    this.entries.set(this.entries.value.map((e) => e.id === id && e.mine ? change(e) : e));
  }
}
