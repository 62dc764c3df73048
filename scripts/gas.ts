/**
 * `deno task gas`: measures the RoomRegistry's gas on a real EDR chain (receipts' `gasUsed`) and
 * prints it against the targets of issue 2 and against the floor of a transaction that writes one
 * new storage slot: 21,000 (transaction) + 22,100 (cold SSTORE from zero).
 *
 * @example
 * ```sh
 * deno task build:contracts && deno task gas
 * ```
 * @module
 */
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { type Hex, keccak256, slice, toHex } from "viem";
import { roomRegistryAbi } from "../app/chain/registry_abi.ts";
import { startTestChain, type TestChain } from "../testing/chain.ts";

/** 21,000 for the transaction plus 22,100 for one cold SSTORE of a zero slot. */
export const FLOOR = 21_000 + 22_100;
const ZERO: Hex = `0x${"00".repeat(32)}`;
const TREE_SIZE = 1_024;

/** One measured call. */
export interface GasRow {
  operation: string;
  gas: bigint;
  /** The issue's upper bound, if it sets one. */
  target?: bigint;
}

/**
 * Sends each measured transaction on a fresh test chain and reads its receipt.
 *
 * @returns The rows, in the order printed.
 */
export async function measureGas(): Promise<GasRow[]> {
  const chain = await startTestChain();
  try {
    return await measure(chain);
  } finally {
    await chain.stop();
  }
}

async function measure(chain: TestChain): Promise<GasRow[]> {
  const { publicClient, registry } = chain;
  const creator = chain.walletClient(1);
  const member = chain.walletClient(2);
  const send = async (
    wallet: typeof creator,
    functionName: "createRoom" | "commitKey",
    args: readonly unknown[],
  ): Promise<bigint> => {
    const hash = await wallet.writeContract(
      {
        address: registry,
        abi: roomRegistryAbi,
        functionName,
        args,
      } as Parameters<typeof wallet.writeContract>[0],
    );
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`Cannot measure gas: ${functionName} failed`);
    return receipt.gasUsed;
  };
  const roomId = (salt: Hex, wallet = creator) =>
    keccak256(
      `0x${wallet.account.address.slice(2).toLowerCase().padStart(64, "0")}${salt.slice(2)}`,
    );

  // Members: the committing account among 1,023 other addresses.
  const others = Array.from({ length: TREE_SIZE - 1 }, (_, i) => slice(keccak256(toHex(i)), 12));
  const tree = StandardMerkleTree.of(
    [member.account.address, ...others].map((a) => [a]),
    ["address"],
  );
  const proof = tree.getProof([member.account.address]) as Hex[];

  const open = keccak256(toHex("gas/open"));
  const closed = keccak256(toHex("gas/members"));
  const c1 = keccak256(toHex("session 1"));
  const c2 = keccak256(toHex("session 2"));
  return [
    {
      operation: "createRoom (open)",
      gas: await send(creator, "createRoom", [open, ZERO, 0n]),
      target: 75_000n,
    },
    {
      operation: "createRoom (members-only)",
      gas: await send(creator, "createRoom", [closed, tree.root, 0n]),
    },
    {
      operation: "commitKey open room, first",
      gas: await send(member, "commitKey", [roomId(open), c1, []]),
      target: 50_000n,
    },
    {
      operation: "commitKey open room, replacement",
      gas: await send(member, "commitKey", [roomId(open), c2, []]),
      target: 35_000n,
    },
    {
      operation: `commitKey members-only (${TREE_SIZE} members, proof of ${proof.length}), first`,
      gas: await send(member, "commitKey", [roomId(closed), c1, proof]),
    },
    {
      operation: `commitKey members-only (${TREE_SIZE} members), replacement`,
      gas: await send(member, "commitKey", [roomId(closed), c2, proof]),
    },
  ];
}

/**
 * Renders the rows as a plain-text table.
 *
 * @param rows Measured rows.
 * @returns The table, one line per row plus a header.
 */
export function formatGasTable(rows: GasRow[]): string {
  const width = Math.max(...rows.map((r) => r.operation.length));
  const n = (v: bigint | number) => v.toLocaleString("en-US");
  const lines = [
    `${"operation".padEnd(width)}  ${"gas".padStart(7)}  ${"target".padStart(8)}  ` +
    `${"vs floor".padStart(8)}`,
  ];
  for (const { operation, gas, target } of rows) {
    const verdict = target === undefined ? "" : gas <= target ? " ok" : " OVER";
    const delta = gas - BigInt(FLOOR);
    lines.push(
      `${operation.padEnd(width)}  ${n(gas).padStart(7)}  ` +
        `${(target === undefined ? "-" : `≤${n(target)}`).padStart(8)}  ` +
        `${((delta >= 0n ? "+" : "") + n(delta)).padStart(8)}${verdict}`,
    );
  }
  lines.push(`floor: 21,000 + 22,100 (one cold SSTORE) = ${n(FLOOR)}`);
  return lines.join("\n");
}

if (import.meta.main) {
  const rows = await measureGas();
  console.log(formatGasTable(rows));
  if (rows.some((r) => r.target !== undefined && r.gas > r.target)) Deno.exit(1);
}
