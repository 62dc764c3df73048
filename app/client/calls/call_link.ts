/**
 * The calls channel of one verified link: call messages (call_message.ts) sealed as control
 * frames under the link's own "calls" sub-channel keys (app/core/sub_keys.ts; the frame format
 * of docs/CRYPTO.md section 7a, whose keys are per label, so never shared with files or chat).
 * Frames are opened strictly in order; one that fails to open or parse closes this channel (the
 * call with that peer ends; the chat goes on).
 * @module
 */
import type { Address } from "viem";
import { createFileCipher, type FileCipher } from "../../core/file_frame.ts";
import type { AttachedLink } from "../link_extension.ts";
import { type CallMessage, encodeCallMessage, parseCallMessage } from "./call_message.ts";

/** What a call link reports to its owner. */
export interface CallLinkHandler {
  message(from: Address, message: CallMessage): void;
  /** The channel ended; `problem` says why when the peer's frames were refused. */
  closed(from: Address, problem: string | null): void;
}

/**
 * One peer's calls channel.
 *
 * @example
 * ```ts ignore
 * const link = new CallLink(attached, { message, closed });
 * await link.send({ type: "ring", call, video: true });
 * ```
 */
export class CallLink {
  readonly peer: Address;
  #channel: RTCDataChannel;
  #cipher: FileCipher;
  #handler: CallLinkHandler;
  #incoming: Promise<void> = Promise.resolve();
  #outgoing: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(link: AttachedLink, handler: CallLinkHandler) {
    this.peer = link.peer;
    this.#channel = link.channel;
    this.#cipher = createFileCipher(link.keys);
    this.#handler = handler;
    this.#channel.addEventListener("message", (e) => {
      if (e.data instanceof ArrayBuffer) this.#receive(e.data);
    });
    this.#channel.addEventListener("close", () => this.#end(null));
    for (const early of link.early) this.#receive(early);
  }

  /** True while messages can be sent. */
  get open(): boolean {
    return !this.#closed && this.#channel.readyState !== "closed";
  }

  /**
   * Seals and sends a message (in call order; waits for the channel to open).
   *
   * @returns false when the channel is closed.
   */
  send(message: CallMessage): Promise<boolean> {
    const sealed = this.#cipher.sealControl(encodeCallMessage(message));
    const sent = this.#outgoing.then(async () => {
      const frame = await sealed;
      if (!this.open) return false;
      if (this.#channel.readyState === "connecting") await opened(this.#channel);
      if (!this.open) return false;
      this.#channel.send(frame as Uint8Array<ArrayBuffer>);
      return true;
    }).catch(() => false);
    this.#outgoing = sent;
    return sent;
  }

  /** Closes the channel. */
  close(): void {
    this.#end(null);
  }

  #receive(data: ArrayBuffer): void {
    const opening = this.#cipher.open(new Uint8Array(data));
    this.#incoming = this.#incoming.then(async () => {
      if (this.#closed) return;
      try {
        const frame = await opening;
        if (frame.kind !== "control") throw new Error("Cannot read call frame: not a message");
        this.#handler.message(this.peer, parseCallMessage(frame.plaintext));
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        this.#end(`Refused the peer's call message (${why}); the call with it ended`);
      }
    });
    opening.catch(() => {}); // Reported in order above.
  }

  #end(problem: string | null): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#channel.readyState !== "closed") this.#channel.close();
    this.#handler.closed(this.peer, problem);
  }
}

function opened(channel: RTCDataChannel): Promise<void> {
  return new Promise((resolve) => {
    channel.addEventListener("open", () => resolve(), { once: true });
    channel.addEventListener("close", () => resolve(), { once: true });
  });
}
