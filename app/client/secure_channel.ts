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
  type ConnectionKeys,
  deriveSessionKeys,
  deriveSubChannelKeys,
  type EcdhKeyPair,
  encodeChatMessage,
  handshake,
  type HelloSecrets,
  type KemKeyPair,
  makeHello,
  parseChatMessage,
  SafetyNumberHalves,
  type SessionKeys,
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

/** What the keys of a connection are made from: ours and the peer's verified ones. */
export interface SecureChannelKeys {
  roomId: Hex;
  keyPair: EcdhKeyPair;
  /** Our session's ML-KEM-768 key pair (protocol v2 hybrid). */
  kemKeyPair: KemKeyPair;
  self: { address: Address; fingerprint: Uint8Array };
  /** The peer's keys as verified against the chain (and, once connected, the DTLS handshake). */
  peer: { address: Address; publicKey: Uint8Array; fingerprint: Uint8Array; kemKey: Uint8Array };
}

/** The work done before the DataChannel opens ({@linkcode prepareSecureChannel}). */
export interface PreparedChannel {
  keys: SessionKeys;
  /** Our hello (fresh ephemeral share, ML-KEM encapsulation to the peer's committed key). */
  hello: HelloSecrets & { hello: Uint8Array };
  /** The safety number, still under way: key confirmation does not wait for it, opening does. */
  safetyNumber: Promise<string>;
}

/** Every party's safety-number half computed in this page (public values only). */
const safetyHalves = new SafetyNumberHalves();

/**
 * Starts our own half of the safety number ahead (a PBKDF2 run, the costliest step of the
 * handshake's preparation), so that only the peer's half is left once its keys are verified. A
 * link calls it when it is made; later calls find the half made.
 *
 * @param self Our address, ECDH public key, DTLS fingerprint and ML-KEM key.
 *
 * @example
 * ```ts ignore
 * prepareOwnSafetyNumber({ address, publicKey, fingerprint, kemKey });
 * ```
 */
export function prepareOwnSafetyNumber(
  self: { address: Address; publicKey: Uint8Array; fingerprint: Uint8Array; kemKey: Uint8Array },
): void {
  safetyHalves.prepare(self).catch(() => {}); // Computed again, and reported, when needed.
}

/** Inputs of {@linkcode openSecureChannel}. */
export interface SecureChannelParameters extends SecureChannelKeys {
  /** The DataChannel as a frame transport (listening since the channel was created). */
  transport: DataChannelTransport;
  /** The session keys, hello and safety number made ahead from the same keys, if any. */
  prepared?: Promise<PreparedChannel>;
  /** Incoming frames are read only once this resolves true (the certificate check passed). */
  readAfter?: Promise<boolean>;
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
 * Everything of a connection's keys that needs no DataChannel: the session keys, our hello and
 * the safety number. A link starts it as soon as the peer's description is verified, so it runs
 * while ICE and DTLS do (issue 11: setup time). The peer's half of the safety number (PBKDF2;
 * ours is usually made ahead, {@linkcode prepareOwnSafetyNumber}) starts first: the link opens
 * only with the number, and on the offerer, which learns the peer's keys last, it was what the
 * open waited for. The browser runs it beside the hello's own crypto, not before it.
 *
 * @param p Our keys and the peer's verified ones.
 * @returns The session keys, our hello and the safety number.
 * @throws {KeyAgreementError} When a peer key is unusable.
 *
 * @example
 * ```ts ignore
 * const prepared = prepareSecureChannel({ roomId, keyPair, kemKeyPair, self, peer });
 * // ... ICE and DTLS ...
 * await openSecureChannel({ ...params, prepared });
 * ```
 */
export async function prepareSecureChannel(p: SecureChannelKeys): Promise<PreparedChannel> {
  const safetyNumber = safetyHalves.compute({
    address: p.self.address,
    publicKey: p.keyPair.publicKey,
    fingerprint: p.self.fingerprint,
    kemKey: p.kemKeyPair.publicKey,
  }, p.peer);
  safetyNumber.catch(() => {}); // Reported by openSecureChannel, which awaits it.
  const keys = await deriveSessionKeys(p);
  const hello = await makeHello(keys);
  return { keys, hello, safetyNumber };
}

/**
 * Runs key confirmation (with the keys and hello made ahead, or made now) and starts reading
 * chat frames.
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
  const { keys, hello, safetyNumber: number } = await (p.prepared ?? prepareSecureChannel(p));
  const { transport } = p;
  const subKeys = new Map<string, SubChannelKeys>();
  const onConnectionKeys = async (connection: ConnectionKeys) => {
    for (const label of p.subChannels ?? []) {
      subKeys.set(label, await deriveSubChannelKeys(connection, label));
    }
  };
  const channel: Channel = await handshake({ keys, transport, onConnectionKeys, hello });
  // Nothing is read, and the channel is not given out, before the safety number is there.
  const safetyNumber = await number;
  let stopped = false;
  const send = async (bytes: Uint8Array) => {
    if (stopped) throw new Error("Cannot send: the secure channel is closed");
    await transport.send(await channel.seal(bytes));
  };
  void (async () => {
    // Nothing the peer sends counts before its certificate is checked.
    if (p.readAfter && !(await p.readAfter.catch(() => false))) return;
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
