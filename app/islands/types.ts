/**
 * Props types shared by the server (which renders islands) and the islands themselves.
 *
 * Island props travel from server to browser as JSON (docs/ISLANDS.md), so every type here is
 * JSON-serializable: no bigint, no functions, no class instances. Numbers that can exceed 2^53
 * (on-chain uint64 values) travel as decimal strings.
 * @module
 */
import type { Hex } from "viem";

/** Public chain configuration given to every island (nothing secret in here). */
export interface PublicConfig {
  /** EIP-155 chain id the registry lives on. */
  chainId: number;
  /** Human name of the chain, e.g. "Sepolia" or "Local development chain". */
  chainName: string;
  /** JSON-RPC URL the browser uses to verify commitments on-chain. */
  rpcUrl: string;
  /** Address of the RoomRegistry contract. */
  registry: Hex;
  /** True when the server runs its own local development chain (dev accounts are offered). */
  localDevChain: boolean;
}

/**
 * A room as read from the chain by the server, in JSON-safe form.
 *
 * @example
 * ```ts
 * const room: RoomInfoProps = {
 *   roomId: "0x" + "11".repeat(32) as `0x${string}`,
 *   creator: "0x" + "22".repeat(20) as `0x${string}`,
 *   membersRoot: "0x" + "00".repeat(32) as `0x${string}`,
 *   expiresAt: "1798761600",
 *   closed: false,
 *   membersOnly: false,
 * };
 * ```
 */
export interface RoomInfoProps {
  /** The on-chain room id (32 bytes). */
  roomId: Hex;
  /** Address that created the room. */
  creator: Hex;
  /** Merkle root of allowed members; zero for an open room. */
  membersRoot: Hex;
  /** Expiry as unix seconds in a decimal string (uint64 on-chain); "0" means never. */
  expiresAt: string;
  /** True once the creator closed the room. */
  closed: boolean;
  /** True when only listed members may join (membersRoot is not zero). */
  membersOnly: boolean;
}
