/**
 * Keys of a sub-channel: a feature that rides on a verified connection next to the chat (file
 * transfer today) gets its own AES-256-GCM key per direction, derived from that connection's
 * secret under a label, so it never shares a (key, IV) pair with the chat or with another
 * feature. This is the one place such keys come from: when the key schedule changes (protocol v2),
 * only this function follows it.
 *
 * v1 (docs/CRYPTO.md section 4, "Sub-channels"), per direction d, from the connection's epoch-0
 * chain value (RFC 5869, empty salt):
 *
 *   sub_key_d = HKDF(chain_0,d, "", "mesh3/v1 sub-channel" || 0x00 || u32 d || label)
 *
 * The info strings differ from every label of key_schedule.ts, so sub-channel keys are
 * independent of the chat's frame keys and chains.
 * @module
 */
import { concatBytes, u32, utf8 } from "./bytes.ts";
import type { Direction } from "./frame.ts";
import type { ConnectionKeys, EpochKeys } from "./key_schedule.ts";

/** Label prefix of every sub-channel key. */
export const LABEL_SUB_CHANNEL = "mesh3/v2 sub-channel";
/** Sub-channel labels: 1 to 64 characters of [a-z0-9-]. */
export const SUB_CHANNEL_LABEL = /^[a-z0-9-]{1,64}$/;

/** One direction of a sub-channel. */
export interface SubChannelKey {
  /** The direction (the IV's fixed field, as in frames). */
  direction: Direction;
  /** Non-extractable AES-256-GCM key; usage "encrypt" when sending, "decrypt" when receiving. */
  key: CryptoKey;
}

/** A sub-channel's keys for one connection. */
export interface SubChannelKeys {
  /** The label they were derived under. */
  label: string;
  /** The room id bytes (bound into associated data). */
  roomId: Uint8Array;
  send: SubChannelKey;
  receive: SubChannelKey;
}

async function subKey(epoch0: EpochKeys, label: string, usage: KeyUsage): Promise<SubChannelKey> {
  const info = concatBytes(
    utf8(LABEL_SUB_CHANNEL),
    Uint8Array.of(0),
    u32(epoch0.direction),
    utf8(label),
  );
  const key = await globalThis.crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: info as BufferSource },
    epoch0.chain,
    { name: "AES-GCM", length: 256 },
    false,
    [usage],
  );
  return { direction: epoch0.direction, key };
}

/**
 * Derives a labelled sub-channel's keys from a connection's keys (both sides get matching
 * pairs: our send key is the peer's receive key). Call it once per label and connection, at
 * key confirmation (`handshake`'s `onConnectionKeys`), before the chat moves past epoch 0.
 *
 * @param connection The connection's keys (epoch 0).
 * @param label The sub-channel's name, e.g. "files".
 * @returns Non-extractable send and receive keys.
 * @throws {TypeError} If the label is not 1–64 characters of [a-z0-9-], or the keys are not at
 *   epoch 0.
 *
 * @example
 * ```ts ignore
 * const files = await deriveSubChannelKeys(connection, "files");
 * ```
 */
export async function deriveSubChannelKeys(
  connection: ConnectionKeys,
  label: string,
): Promise<SubChannelKeys> {
  if (typeof label !== "string" || !SUB_CHANNEL_LABEL.test(label)) {
    throw new TypeError("Cannot derive sub-channel keys: the label must be 1-64 of [a-z0-9-]");
  }
  if (connection.send.epoch !== 0 || connection.receive.epoch !== 0) {
    throw new TypeError("Cannot derive sub-channel keys: the connection keys are past epoch 0");
  }
  const [send, receive] = await Promise.all([
    subKey(connection.send, label, "encrypt"),
    subKey(connection.receive, label, "decrypt"),
  ]);
  return { label, roomId: connection.roomId, send, receive };
}
