/**
 * Puts the relay benchmark's state on the test chain efficiently: fresh viem private-key
 * accounts funded with `hardhat_setBalance`, rooms and key commitments sent as locally signed
 * raw transactions in JSON-RPC batches with automine off, then mined a block at a time
 * (bounded). Real transactions and real events: the server learns them from its event poll.
 * @module
 */
import { encodeFunctionData, type Hex, keccak256, type PrivateKeyAccount, toHex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { roomRegistryAbi } from "../app/chain/registry_abi.ts";
import type { TestChain } from "../testing/chain.ts";

const BATCH = 500;
const MAX_FEE = 100_000_000_000n;
const TIP = 1_000_000_000n;

/** Calls JSON-RPC methods in batches of 500; returns the results in order. */
export async function rpcBatch(
  rpcUrl: string,
  calls: { method: string; params: unknown[] }[],
): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i < calls.length; i += BATCH) {
    const body = calls.slice(i, i + BATCH).map((c, j) => ({ jsonrpc: "2.0", id: i + j, ...c }));
    const res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const replies = await res.json() as { result?: unknown; error?: { message: string } }[];
    for (const r of replies) {
      if (r.error) throw new Error(`Cannot prepare the chain: ${r.error.message}`);
      out.push(r.result);
    }
  }
  return out;
}

/** Makes `n` fresh accounts and funds them (1,000 ETH each). */
export async function fundedAccounts(chain: TestChain, n: number): Promise<PrivateKeyAccount[]> {
  const accounts = Array.from({ length: n }, () => privateKeyToAccount(generatePrivateKey()));
  await rpcBatch(
    chain.rpcUrl,
    accounts.map((a) => ({
      method: "hardhat_setBalance",
      params: [a.address, toHex(1000n * 10n ** 18n)],
    })),
  );
  return accounts;
}

/** Sends signed transactions with automine off, mines until all are in, checks each status. */
async function sendAll(chain: TestChain, raws: Hex[]): Promise<void> {
  await rpcBatch(chain.rpcUrl, [{ method: "evm_setAutomine", params: [false] }]);
  try {
    const hashes = await rpcBatch(
      chain.rpcUrl,
      raws.map((r) => ({ method: "eth_sendRawTransaction", params: [r] })),
    ) as Hex[];
    const last = hashes[hashes.length - 1];
    for (let i = 0; i < 1000; i++) {
      await rpcBatch(chain.rpcUrl, [{ method: "evm_mine", params: [] }]);
      const [receipt] = await rpcBatch(chain.rpcUrl, [
        { method: "eth_getTransactionReceipt", params: [last] },
      ]);
      if (receipt) break;
    }
    const receipts = await rpcBatch(
      chain.rpcUrl,
      hashes.map((h) => ({ method: "eth_getTransactionReceipt", params: [h] })),
    ) as ({ status: Hex } | null)[];
    const bad = receipts.filter((r) => !r || r.status !== "0x1").length;
    if (bad) throw new Error(`Cannot prepare the chain: ${bad} transactions failed or not mined`);
  } finally {
    await rpcBatch(chain.rpcUrl, [{ method: "evm_setAutomine", params: [true] }]);
  }
}

async function signCall(
  chain: TestChain,
  account: PrivateKeyAccount,
  nonce: number,
  data: Hex,
): Promise<Hex> {
  return await account.signTransaction({
    type: "eip1559",
    chainId: chain.chainId,
    to: chain.registry,
    data,
    nonce,
    gas: 150_000n,
    maxFeePerGas: MAX_FEE,
    maxPriorityFeePerGas: TIP,
  });
}

/**
 * Creates `count` open rooms from `creator` (all its transactions at consecutive nonces).
 *
 * @returns The room ids (lower-case).
 */
export async function createRooms(
  chain: TestChain,
  creator: PrivateKeyAccount,
  count: number,
): Promise<Hex[]> {
  const [nonceHex] = await rpcBatch(chain.rpcUrl, [
    { method: "eth_getTransactionCount", params: [creator.address, "latest"] },
  ]);
  const base = Number(nonceHex);
  const raws: Hex[] = [];
  const ids: Hex[] = [];
  for (let i = 0; i < count; i++) {
    const salt = toHex(crypto.getRandomValues(new Uint8Array(32)));
    raws.push(
      await signCall(
        chain,
        creator,
        base + i,
        encodeFunctionData({
          abi: roomRegistryAbi,
          functionName: "createRoom",
          args: [salt, `0x${"00".repeat(32)}`, 0n],
        }),
      ),
    );
    ids.push(keccak256(
      `0x${creator.address.slice(2).toLowerCase().padStart(64, "0")}${salt.slice(2)}`,
    ));
  }
  await sendAll(chain, raws);
  return ids;
}

/** Publishes one commitment per (account, room), each account's first transaction. */
export async function commitAll(
  chain: TestChain,
  entries: { account: PrivateKeyAccount; roomId: Hex; commitment: Hex }[],
): Promise<void> {
  const raws: Hex[] = [];
  for (const e of entries) {
    raws.push(
      await signCall(
        chain,
        e.account,
        0,
        encodeFunctionData({
          abi: roomRegistryAbi,
          functionName: "commitKey",
          args: [e.roomId, e.commitment, []],
        }),
      ),
    );
  }
  await sendAll(chain, raws);
}
