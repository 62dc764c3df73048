/**
 * Member lists of members-only rooms: the OpenZeppelin standard Merkle tree (leaf encoding
 * `["address"]`) whose root the registry stores, and the ways a list travels between people
 * (a downloadable JSON tree dump, or the addresses in the room link's fragment, which never
 * reaches the server).
 * @module
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { type Address, getAddress, type Hex, isAddress } from "viem";

/** Thrown when a member list cannot be read or does not fit the room. */
export class MemberListError extends Error {
  override name = "MemberListError";
}

/** A member list with its tree. */
export interface MemberList {
  /** Checksummed addresses, in the order given. */
  members: Address[];
  /** The Merkle root the registry stores. */
  root: Hex;
  /** The tree itself (for proofs and the JSON dump). */
  tree: StandardMerkleTree<[string]>;
}

/**
 * Builds the member tree of a list of addresses (duplicates removed).
 *
 * @param addresses Member addresses.
 * @returns The list, root and tree.
 * @throws {MemberListError} When the list is empty or an entry is not an address.
 *
 * @example
 * ```ts
 * import { memberList } from "./members.ts";
 * const { root, members } = memberList([
 *   "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
 *   "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
 * ]);
 * members.length; // 2
 * ```
 */
export function memberList(addresses: readonly string[]): MemberList {
  const seen = new Set<string>();
  const members: Address[] = [];
  for (const raw of addresses) {
    const a = raw.trim();
    if (!isAddress(a, { strict: false })) {
      throw new MemberListError(`Cannot use member list: "${a.slice(0, 44)}" is not an address`);
    }
    const checksummed = getAddress(a);
    if (seen.has(checksummed)) continue;
    seen.add(checksummed);
    members.push(checksummed);
  }
  if (members.length === 0) throw new MemberListError("Cannot use member list: it is empty");
  const tree = StandardMerkleTree.of(members.map((m) => [m] as [string]), ["address"]);
  return { members, root: tree.root as Hex, tree };
}

/**
 * Reads a member list from what a person pasted or uploaded: a JSON tree dump (as downloaded
 * from Mesh3), a JSON array of addresses, or addresses separated by commas, spaces or lines.
 *
 * @param text The pasted or uploaded text.
 * @returns The list.
 * @throws {MemberListError} When nothing usable is in it.
 */
export function parseMemberList(text: string): MemberList {
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch {
      throw new MemberListError("Cannot read member list: the file is not valid JSON");
    }
    if (Array.isArray(data)) return memberList(data.map(String));
    const values = (data as { values?: { value?: unknown[] }[] }).values;
    if (!Array.isArray(values)) throw new MemberListError("Cannot read member list: no values");
    return memberList(values.map((v) => String(v?.value?.[0] ?? "")));
  }
  return memberList(trimmed.split(/[\s,;]+/).filter(Boolean));
}

/**
 * The Merkle proof that `address` is in the list.
 *
 * @param list The room's member list.
 * @param address The joining wallet.
 * @returns The proof for `commitKey`.
 * @throws {MemberListError} When the address is not on the list.
 */
export function memberProof(list: MemberList, address: Address): Hex[] {
  const want = getAddress(address);
  for (const [i, [value]] of list.tree.entries()) {
    if (getAddress(value) === want) return list.tree.getProof(i) as Hex[];
  }
  throw new MemberListError("Cannot join: your address is not on this room's member list");
}

/**
 * The JSON a creator downloads and shares (OpenZeppelin's tree dump format).
 *
 * @param list The member list.
 * @returns Pretty-printed JSON text.
 */
export function memberListJson(list: MemberList): string {
  return JSON.stringify(list.tree.dump(), null, 2);
}

/**
 * Encodes the addresses for a link fragment (`#members=...`), which browsers never send.
 *
 * @param list The member list.
 * @returns The fragment value.
 */
export function membersFragment(list: MemberList): string {
  return list.members.map((m) => m.slice(2).toLowerCase()).join(".");
}

/**
 * Reads `#members=...` from a location hash, if present.
 *
 * @param hash `location.hash`.
 * @returns The list, or null when the hash carries none or a broken one.
 */
export function memberListFromHash(hash: string): MemberList | null {
  const m = /(?:^#|&)members=([0-9a-fA-F.]+)/.exec(hash);
  if (!m) return null;
  try {
    return memberList(m[1].split(".").map((h) => `0x${h}`));
  } catch {
    return null;
  }
}
