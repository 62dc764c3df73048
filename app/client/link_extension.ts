/**
 * The extension point of a peer link: a feature that rides on the verified connection (file
 * transfer; later others) gets a DataChannel of its own on the same RTCPeerConnection, so on the
 * same DTLS transport whose certificate the link checked against the chain, and sub-channel keys
 * derived from the link's confirmed connection keys (app/core/sub_keys.ts). It never sees a
 * connection before both checks and key confirmation passed.
 *
 * The offerer opens one channel per extension, labelled `mesh3-<label>`, next to the chat channel
 * (before its first offer, so no renegotiation); the answerer picks them up by label. Messages that
 * arrive before the link is open are held (a bounded number) and handed over with the channel.
 *
 * @example
 * ```ts ignore
 * const files: LinkExtension = {
 *   label: "files",
 *   attach(link) {
 *     link.channel.addEventListener("message", (e) => handle(e.data));
 *     for (const early of link.early) handle(early);
 *   },
 * };
 * new RoomSession({ config, roomId, wallet, io, extensions: [files] });
 * ```
 * @module
 */
import type { Address } from "viem";
import { SUB_CHANNEL_LABEL, type SubChannelKeys } from "../core/sub_keys.ts";

/** A feature riding on every verified link of a room session. */
export interface LinkExtension {
  /** 1–64 characters of [a-z0-9-]: the sub-channel key label, and the channel's `mesh3-<label>`. */
  readonly label: string;
  /**
   * A link is open: peer verified against the chain, DTLS certificate checked, keys confirmed.
   * Called once per link. Install the channel's listeners before returning (nothing is held
   * after), then handle `early` first.
   */
  attach(link: AttachedLink): void;
}

/** What an extension gets from an open link. */
export interface AttachedLink {
  /** The verified peer. */
  readonly peer: Address;
  /** The extension's channel (binaryType "arraybuffer"; may still be "connecting"). */
  readonly channel: RTCDataChannel;
  /** Binary messages that came before `attach`, in order. */
  readonly early: readonly ArrayBuffer[];
  /** This connection's keys for the extension's label. */
  readonly keys: SubChannelKeys;
  /** Largest message the connection carries (`RTCSctpTransport.maxMessageSize`). */
  readonly maxMessageSize: number;
}

/** Messages held per channel before the link is open; more closes the channel. */
const MAX_EARLY = 64;
/** What a connection carries when the browser does not say (RFC 8841's default). */
const DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024;

interface Held {
  extension: LinkExtension;
  channel: RTCDataChannel;
  early: ArrayBuffer[];
  hold: (e: MessageEvent) => void;
}

/**
 * The extensions' channels of one link, from creation to hand-over (used by `PeerLink`).
 *
 * @example
 * ```ts ignore
 * const channels = new LinkChannels(session.extensions ?? []);
 * channels.open(pc);                               // offerer, before the first offer
 * pc.ondatachannel = (e) => channels.adopt(e.channel) || useChat(e.channel);
 * channels.attach(peer, subKeys, pc.sctp?.maxMessageSize);   // once keys are confirmed
 * ```
 */
export class LinkChannels {
  #held = new Map<string, Held>();
  #attached: { peer: Address; keys: Map<string, SubChannelKeys>; max: number } | null = null;

  /** @param extensions The room session's extensions. */
  constructor(readonly extensions: readonly LinkExtension[]) {
    for (const e of extensions) {
      if (!SUB_CHANNEL_LABEL.test(e.label)) {
        throw new TypeError(`Cannot use link extension "${e.label}": bad label`);
      }
    }
  }

  /** The sub-channel key labels to derive at key confirmation. */
  get labels(): string[] {
    return this.extensions.map((e) => e.label);
  }

  /** Offerer: opens every extension's channel. */
  open(pc: RTCPeerConnection): void {
    for (const e of this.extensions) {
      this.#hold(e, pc.createDataChannel(channelLabel(e.label), { ordered: true }));
    }
  }

  /**
   * Answerer: takes a channel the peer opened if it belongs to an extension.
   *
   * @returns true when it did (it is not the chat channel).
   */
  adopt(channel: RTCDataChannel): boolean {
    const extension = this.extensions.find((e) => channelLabel(e.label) === channel.label);
    if (!extension) return false;
    if (this.#held.has(extension.label)) channel.close(); // A second one: refused.
    else this.#hold(extension, channel);
    return true;
  }

  /**
   * Hands every channel to its extension, with its keys; later channels go over on arrival.
   *
   * @param peer The verified peer.
   * @param keys Sub-channel keys by label.
   * @param maxMessageSize `pc.sctp.maxMessageSize`, when the browser gives it.
   */
  attach(peer: Address, keys: Map<string, SubChannelKeys>, maxMessageSize?: number): void {
    const max = maxMessageSize && maxMessageSize > 0 ? maxMessageSize : DEFAULT_MAX_MESSAGE_SIZE;
    this.#attached = { peer, keys, max };
    for (const held of this.#held.values()) this.#handOver(held);
  }

  /** Closes every extension channel (the link is closing). */
  close(): void {
    for (const { channel } of this.#held.values()) channel.close();
  }

  #hold(extension: LinkExtension, channel: RTCDataChannel): void {
    channel.binaryType = "arraybuffer";
    const early: ArrayBuffer[] = [];
    const hold = (e: MessageEvent) => {
      if (!(e.data instanceof ArrayBuffer)) return;
      if (early.length >= MAX_EARLY) channel.close();
      else early.push(e.data);
    };
    channel.addEventListener("message", hold);
    const held = { extension, channel, early, hold };
    this.#held.set(extension.label, held);
    if (this.#attached) this.#handOver(held);
  }

  #handOver(held: Held): void {
    const a = this.#attached!;
    const keys = a.keys.get(held.extension.label);
    held.channel.removeEventListener("message", held.hold);
    if (!keys) return void held.channel.close();
    held.extension.attach({
      peer: a.peer,
      channel: held.channel,
      early: held.early.splice(0),
      keys,
      maxMessageSize: a.max,
    });
  }
}

/** The DataChannel label of an extension. */
export function channelLabel(label: string): string {
  return `mesh3-${label}`;
}
