/**
 * The encrypted chat channel over a verified DataChannel: key schedule and key confirmation from
 * app/core (the first frame each way), then chat texts and their acknowledgements as sealed
 * frames. Any frame that does not open (altered, replayed, reordered) ends the channel: a
 * reliable, ordered DataChannel never produces one honestly.
 * @module
 */
import type { Address, Hex } from "viem";
import type { ReceiptMessage, TextMessage } from "../core/message.ts";
import {
  type Channel,
  type ChatMessage,
  computeSafetyNumber,
  type ConnectionKeys,
  deriveSessionKeys,
  deriveSubChannelKeys,
  type EcdhKeyPair,
  encodeChatMessage,
  handshake,
  type KemKeyPair,
  parseChatMessage,
  type SubChannelKeys,
} from "../core/mod.ts";
import type { DataChannelTransport } from "./data_channel_transport.ts";

/** An open encrypted channel. */
export interface SecureChannel {
  /** Seals and sends a chat text naming the sender's roster hash (core group.ts). */
  sendText(text: Omit<TextMessage, "type">): Promise<void>;
  /** Seals and sends a receipt (to the author, or echoed to another member). */
  sendReceipt(receipt: Omit<ReceiptMessage, "type">): Promise<void>;
  /** Stops reading and closes the transport. */
  close(): void;
}

/** Inputs of {@linkcode openSecureChannel}. */
export interface SecureChannelParameters {
  /** The DataChannel as a frame transport (listening since the channel was created). */
  transport: DataChannelTransport;
  roomId: Hex;
  keyPair: EcdhKeyPair;
  /** Our session's ML-KEM-768 key pair (protocol v2 hybrid). */
  kemKeyPair: KemKeyPair;
  self: { address: Address; fingerprint: Uint8Array };
  /** The peer's keys as verified against the chain and the DTLS handshake. */
  peer: { address: Address; publicKey: Uint8Array; fingerprint: Uint8Array; kemKey: Uint8Array };
  /** A text arrived (the session checks it and sends the receipts). */
  onText(text: TextMessage): void;
  /** A receipt arrived: for one of our texts, or echoed for another member's. */
  onReceipt(receipt: ReceiptMessage): void;
  /** Called when the peer says goodbye. */
  onBye(): void;
  /** Called once if the channel must stop (a refused frame). */
  onError(message: string): void;
  /** Labels of sub-channels (link extensions) whose keys this connection also derives. */
  subChannels?: readonly string[];
}

/**
 * Derives the session keys, runs key confirmation and starts reading chat frames.
 *
 * @param p DataChannel, our keys and the verified peer.
 * @returns The channel, the safety number both people compare, and the sub-channels' keys.
 * @throws {ConfirmationError} When key confirmation fails.
 *
 * @example
 * ```ts ignore
 * // Needs an open, verified DataChannel.
 * const { channel, safetyNumber } = await openSecureChannel({ transport, roomId, keyPair, kemKeyPair, self, peer, onText, onReceipt, onBye, onError });
 * await channel.sendText({ id: "m1", text: "hello", sentAt: Date.now(), roster });
 * ```
 */
export async function openSecureChannel(
  p: SecureChannelParameters,
): Promise<
  { channel: SecureChannel; safetyNumber: string; subKeys: Map<string, SubChannelKeys> }
> {
  const keys = await deriveSessionKeys({
    roomId: p.roomId,
    keyPair: p.keyPair,
    kemKeyPair: p.kemKeyPair,
    self: p.self,
    peer: p.peer,
  });
  const { transport } = p;
  const subKeys = new Map<string, SubChannelKeys>();
  const onConnectionKeys = async (connection: ConnectionKeys) => {
    for (const label of p.subChannels ?? []) {
      subKeys.set(label, await deriveSubChannelKeys(connection, label));
    }
  };
  // The safety number needs only public values: compute it (PBKDF2, the slow part) while the
  // hello and confirmation frames travel, not after.
  const [channel, safetyNumber]: [Channel, string] = await Promise.all([
    handshake({ keys, transport, onConnectionKeys }),
    computeSafetyNumber({
      address: p.self.address,
      publicKey: p.keyPair.publicKey,
      fingerprint: p.self.fingerprint,
      kemKey: p.kemKeyPair.publicKey,
    }, p.peer),
  ]);
  let stopped = false;
  const send = async (bytes: Uint8Array) => {
    if (stopped) throw new Error("Cannot send: the secure channel is closed");
    await transport.send(await channel.seal(bytes));
  };
  void (async () => {
    while (!stopped) {
      let frame: Uint8Array;
      try {
        frame = await transport.receive();
      } catch {
        return; // Channel closed: the link reports it.
      }
      let plaintext: Uint8Array;
      try {
        plaintext = await channel.open(frame);
      } catch {
        stopped = true;
        transport.close();
        p.onError("A message from the peer failed authentication: the channel was closed");
        return;
      }
      let message: ChatMessage;
      try {
        message = parseChatMessage(plaintext);
      } catch {
        continue; // Authentic but not understood (a newer peer?): ignore it.
      }
      if (message.type === "receipt") {
        p.onReceipt(message);
      } else if (message.type === "bye") {
        stopped = true;
        transport.close();
        p.onBye();
        return;
      } else {
        p.onText(message);
      }
    }
  })();
  return {
    safetyNumber,
    subKeys,
    channel: {
      sendText: (text) => send(encodeChatMessage({ type: "text", ...text })),
      sendReceipt: (receipt) => send(encodeChatMessage({ type: "receipt", ...receipt })),
      close() {
        if (stopped) return;
        // Best effort goodbye, so the peer shows "left" at once.
        void send(encodeChatMessage({ type: "bye" })).catch(() => {}).finally(() => {
          stopped = true;
          transport.close();
        });
      },
    },
  };
}
