/**
 * Transactions on the RoomRegistry from the browser: create a room, commit session keys, close a
 * room. Each is simulated first (a revert is decoded into a human reason before the wallet is
 * asked), then sent through the wallet, and reports its progress as {@linkcode TxState}. Reads are
 * in app/chain/registry.ts.
 * @module
 */
import {
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  type Hex,
  type PublicClient,
  toHex,
} from "viem";
import { roomRegistryAbi } from "../chain/registry_abi.ts";
import { roomIdOf, ZERO_ROOT } from "../chain/room.ts";
import type { WalletConnection } from "./wallet.ts";

/** Progress of one transaction, for the UI. */
export type TxState =
  | { phase: "idle" }
  | { phase: "wallet" }
  | { phase: "pending"; hash: Hex }
  | { phase: "mined"; hash: Hex; blockNumber: bigint }
  | { phase: "failed"; reason: string };

/** Thrown when a transaction fails; `reason` is one human sentence (decoded custom error). */
export class TxFailedError extends Error {
  override name = "TxFailedError";
  /**
   * @param reason Human reason.
   * @param errorName The contract's custom error name, when it reverted with one.
   */
  constructor(readonly reason: string, readonly errorName?: string) {
    super(`Cannot complete the transaction: ${reason}`);
  }
}

const REASONS: Record<string, string> = {
  RegistryNotMember: "your address is not on this room's member list",
  RegistryRoomClosed: "this room was closed by its creator",
  RegistryRoomExpired: "this room has expired",
  RegistryUnknownRoom: "there is no such room on this chain",
  RegistryRoomExists: "a room with this id exists already",
  RegistryInvalidExpiry: "the expiry must be in the future",
  RegistryEmptyCommitment: "the key commitment is empty",
  RegistryUnauthorizedAccount: "only the room's creator can do this",
};

/**
 * Creates a room: random salt, optional members root, optional expiry.
 *
 * @param wallet The connected wallet (it pays and becomes the creator).
 * @param registry Registry address.
 * @param options `membersRoot` (zero for open) and `expiresAt` (unix seconds, 0 = never).
 * @param onState Progress callback.
 * @returns The new room id.
 * @throws {TxFailedError} With the decoded reason.
 */
export async function createRoom(
  wallet: WalletConnection,
  registry: Address,
  options: { membersRoot?: Hex; expiresAt?: bigint },
  onState: (state: TxState) => void,
): Promise<Hex> {
  const salt = toHex(crypto.getRandomValues(new Uint8Array(32)));
  await sendRegistryTx(wallet, registry, {
    functionName: "createRoom",
    args: [salt, options.membersRoot ?? ZERO_ROOT, options.expiresAt ?? 0n],
  }, onState);
  return roomIdOf(wallet.address, salt);
}

/**
 * Publishes the session's key commitment in one transaction.
 *
 * @param wallet The connected wallet.
 * @param registry Registry address.
 * @param roomId The room.
 * @param commitment Full 32-byte commitment (core `computeCommitment`).
 * @param proof Merkle proof for members-only rooms, else empty.
 * @param onState Progress callback.
 * @returns The block number it was mined in.
 * @throws {TxFailedError} With the decoded reason.
 */
export async function commitKey(
  wallet: WalletConnection,
  registry: Address,
  roomId: Hex,
  commitment: Hex,
  proof: readonly Hex[],
  onState: (state: TxState) => void,
): Promise<bigint> {
  return await sendRegistryTx(wallet, registry, {
    functionName: "commitKey",
    args: [roomId, commitment, [...proof]],
  }, onState);
}

/**
 * Closes a room for good (its creator only): it accepts no further commitments.
 *
 * @param wallet The creator's wallet.
 * @param registry Registry address.
 * @param roomId The room.
 * @param onState Progress callback.
 * @returns The block it was mined in.
 * @throws {TxFailedError} With the decoded reason.
 */
export async function closeRoom(
  wallet: WalletConnection,
  registry: Address,
  roomId: Hex,
  onState: (state: TxState) => void,
): Promise<bigint> {
  return await sendRegistryTx(
    wallet,
    registry,
    { functionName: "closeRoom", args: [roomId] },
    onState,
  );
}

type RegistryCall =
  | { functionName: "createRoom"; args: readonly [Hex, Hex, bigint] }
  | { functionName: "closeRoom"; args: readonly [Hex] }
  | { functionName: "commitKey"; args: readonly [Hex, Hex, readonly Hex[]] };

async function sendRegistryTx(
  wallet: WalletConnection,
  registry: Address,
  call: RegistryCall,
  onState: (state: TxState) => void,
): Promise<bigint> {
  try {
    // Simulate first: a revert is decoded into its custom error before the wallet is asked.
    const { request } = await wallet.publicClient.simulateContract(
      {
        account: wallet.walletClient.account,
        address: registry,
        abi: roomRegistryAbi,
        ...call,
      } as Parameters<PublicClient["simulateContract"]>[0],
    );
    onState({ phase: "wallet" });
    const hash = await wallet.walletClient.writeContract(
      request as Parameters<typeof wallet.walletClient.writeContract>[0],
    );
    onState({ phase: "pending", hash });
    const receipt = await wallet.publicClient.waitForTransactionReceipt({ hash, timeout: 120_000 });
    if (receipt.status !== "success") throw new TxFailedError("the transaction reverted");
    onState({ phase: "mined", hash, blockNumber: receipt.blockNumber });
    return receipt.blockNumber;
  } catch (e) {
    const failure = e instanceof TxFailedError ? e : decodeFailure(e);
    onState({ phase: "failed", reason: failure.reason });
    throw failure;
  }
}

/**
 * Turns what viem or the wallet threw into a human reason.
 *
 * @param e The error.
 * @returns A {@linkcode TxFailedError}.
 */
export function decodeFailure(e: unknown): TxFailedError {
  if (e instanceof BaseError) {
    const revert = e.walk((x) => x instanceof ContractFunctionRevertedError);
    if (revert instanceof ContractFunctionRevertedError) {
      const name = revert.data?.errorName;
      if (name) return new TxFailedError(REASONS[name] ?? `the registry refused (${name})`, name);
      return new TxFailedError(revert.reason ?? "the registry refused the call");
    }
    const rejected = e.walk((x) => (x as { code?: number }).code === 4001);
    if (rejected) return new TxFailedError("you declined it in your wallet");
    if (e.walk((x) => (x as { name?: string }).name === "HttpRequestError")) {
      return new TxFailedError("the chain cannot be reached");
    }
    return new TxFailedError(e.shortMessage || "the wallet or chain failed");
  }
  if ((e as { code?: number })?.code === 4001) {
    return new TxFailedError("you declined it in your wallet");
  }
  return new TxFailedError(e instanceof Error ? e.message.split("\n")[0] : String(e));
}
