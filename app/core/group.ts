/**
 * Group consistency (protocol v2, docs/CRYPTO.md section 7c): in a room of N, a text is sealed
 * pairwise to each peer, so nothing but these two hashes stops a sender from telling peers
 * different stories. Each text names the sender's **roster hash** (the verified members it sees,
 * with the commitments it verified) and its id; its **message hash** binds author, id, roster,
 * time and text. Receivers compare the roster with their own and echo the message hash to the
 * room in their receipts, so two peers who were shown different messages under one id, or one
 * that was left out, find out (app/client/group_ledger.ts).
 *
 * ```
 * roster  = SHA-256("mesh3/v2/roster" || 0x00 || room id (32) || u16 n
 *                    || for each member sorted by address: address (20) || commitment (32))
 * message = SHA-256("mesh3/v2/group-message" || 0x00 || room id (32) || author (20)
 *                    || u8 len(id) || id (ASCII) || roster (32) || u64 sentAt || text (UTF-8))
 * ```
 * @module
 */
import { type Address, type Hex, isAddress } from "viem";
import { bytesToHex, compareBytes, concatBytes, fixedHex, hexToBytes, utf8 } from "./bytes.ts";

/** Domain label of the roster hash. */
export const LABEL_ROSTER = "mesh3/v2/roster";
/** Domain label of the group message hash. */
export const LABEL_GROUP_MESSAGE = "mesh3/v2/group-message";
/** Most members one roster may list (the u16 count). */
export const MAX_ROSTER_MEMBERS = 0xffff;

/** One verified member as the viewer sees it: its address and the commitment it verified. */
export interface RosterMember {
  address: Address;
  /** The full 32-byte commitment (the viewer's own, or the one its offer check matched). */
  commitment: Hex;
}

/** What a group text's message hash binds. */
export interface GroupMessageInput {
  roomId: Hex;
  /** The sender's address. */
  author: Address;
  /** The sender's message id (1–64 characters of [A-Za-z0-9_-]). */
  id: string;
  /** The sender's roster hash (32 bytes as 0x hex). */
  roster: Hex;
  /** Sender's clock in ms since the epoch. */
  sentAt: number;
  text: string;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

function label(name: string): Uint8Array {
  return concatBytes(utf8(name), Uint8Array.of(0));
}

async function sha256(bytes: Uint8Array): Promise<Hex> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as BufferSource);
  return bytesToHex(new Uint8Array(digest));
}

function addressBytes(address: Address, what: string): Uint8Array {
  if (!isAddress(address, { strict: false })) {
    throw new TypeError(`Cannot hash ${what}: ${address} is not an address`);
  }
  return hexToBytes(address);
}

/**
 * The roster hash of a set of verified members (order does not matter).
 *
 * @param roomId The room id (32 bytes).
 * @param members The viewer itself and every peer it holds a verified, open link to.
 * @returns SHA-256 as 0x hex.
 * @throws {TypeError} On an empty roster, a repeated address, a bad address or commitment.
 *
 * @example
 * ```ts
 * const roomId = `0x${"ab".repeat(32)}` as const;
 * const alice = { address: `0x${"11".repeat(20)}`, commitment: `0x${"aa".repeat(32)}` } as const;
 * const bob = { address: `0x${"22".repeat(20)}`, commitment: `0x${"bb".repeat(32)}` } as const;
 * await rosterHash(roomId, [alice, bob]) === await rosterHash(roomId, [bob, alice]); // true
 * ```
 */
export async function rosterHash(roomId: Hex, members: readonly RosterMember[]): Promise<Hex> {
  if (members.length === 0 || members.length > MAX_ROSTER_MEMBERS) {
    throw new TypeError(`Cannot hash roster: it must list 1 to ${MAX_ROSTER_MEMBERS} members`);
  }
  const entries = members
    .map((m) => ({
      address: addressBytes(m.address, "roster"),
      commitment: fixedHex(m.commitment, 32, "commitment"),
    }))
    .sort((a, b) => compareBytes(a.address, b.address));
  for (let i = 1; i < entries.length; i++) {
    if (compareBytes(entries[i - 1].address, entries[i].address) === 0) {
      throw new TypeError("Cannot hash roster: an address is listed twice");
    }
  }
  const count = Uint8Array.of(entries.length >> 8, entries.length & 0xff);
  return await sha256(concatBytes(
    label(LABEL_ROSTER),
    fixedHex(roomId, 32, "room id"),
    count,
    ...entries.flatMap((e) => [e.address, e.commitment]),
  ));
}

/**
 * The message hash of a group text: what receipts echo to the room.
 *
 * @param m Room, author, id, the sender's roster hash, time and text.
 * @returns SHA-256 as 0x hex.
 * @throws {TypeError} On a bad id, address, roster hash or time.
 *
 * @example
 * ```ts
 * const hash = await groupMessageHash({
 *   roomId: `0x${"ab".repeat(32)}`,
 *   author: `0x${"11".repeat(20)}`,
 *   id: "m1",
 *   roster: `0x${"cd".repeat(32)}`,
 *   sentAt: 1,
 *   text: "hi",
 * });
 * hash.length; // 66
 * ```
 */
export async function groupMessageHash(m: GroupMessageInput): Promise<Hex> {
  if (!ID.test(m.id)) throw new TypeError("Cannot hash group message: bad id");
  if (!Number.isSafeInteger(m.sentAt) || m.sentAt < 0) {
    throw new TypeError("Cannot hash group message: bad sentAt");
  }
  const time = new Uint8Array(8);
  new DataView(time.buffer).setBigUint64(0, BigInt(m.sentAt));
  return await sha256(concatBytes(
    label(LABEL_GROUP_MESSAGE),
    fixedHex(m.roomId, 32, "room id"),
    addressBytes(m.author, "group message"),
    Uint8Array.of(m.id.length),
    utf8(m.id),
    fixedHex(m.roster, 32, "roster hash"),
    time,
    utf8(m.text),
  ));
}
