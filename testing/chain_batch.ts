/**
 * Test and benchmark helper (not shipped): puts thousands of rooms and key commitments on the
 * test chain quickly. Fresh viem private-key accounts are funded with `hardhat_setBalance`;
 * transactions are signed locally and sent in JSON-RPC batches with automine off, then mined
 * (bounded) and every receipt checked. Real transactions, real events: the server learns them
 * from its own event poll.
 * @module
 */
import { encodeFunctionData, type Hex, toHex } from "viem";
import { generatePrivateKey, type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import type { TestChain } from "./chain.ts";
import { makeKeys, type TestKeys } from "./server.ts";
import { roomRegistryAbi } from "../app/chain/registry_abi.ts";
import { roomIdOf } from "../app/chain/room.ts";

const BATCH = 500;
const GAS = 200_000n;
const MAX_FEE = 100_000_000_000n;
const TIP = 1_000_000_000n;
const ZERO = `0x${"00".repeat(32)}` as Hex;

/**
 * Sends JSON-RPC calls in batches of 500, in order; returns the results.
 *
 * @throws {Error} On the first call that failed.
 */
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

/**
 * Makes `n` fresh accounts, each funded with 1,000 ETH.
 *
 * @example
 * ```ts ignore
 * // Needs a test chain.
 * const accounts = await fundedAccounts(await startTestChain(), 2000);
 * ```
 */
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

/**
 * Sends registry calls, each `[account, nonce, data]`, mines them and checks every receipt.
 *
 * @throws {Error} If a transaction failed or was not mined.
 */
export async function sendCalls(
  chain: TestChain,
  calls: [PrivateKeyAccount, number, Hex][],
): Promise<void> {
  const raws = await Promise.all(calls.map(([account, nonce, data]) =>
    account.signTransaction({
      type: "eip1559",
      chainId: chain.chainId,
      to: chain.registry,
      data,
      nonce,
      gas: GAS,
      maxFeePerGas: MAX_FEE,
      maxPriorityFeePerGas: TIP,
    })
  ));
  await rpcBatch(chain.rpcUrl, [{ method: "evm_setAutomine", params: [false] }]);
  try {
    const hashes = await rpcBatch(
      chain.rpcUrl,
      raws.map((r) => ({ method: "eth_sendRawTransaction", params: [r] })),
    ) as Hex[];
    // Bounded: one block takes as many as fit its gas limit.
    for (let i = 0; i < 1000; i++) {
      await rpcBatch(chain.rpcUrl, [{ method: "evm_mine", params: [] }]);
      const [last] = await rpcBatch(chain.rpcUrl, [
        { method: "eth_getTransactionReceipt", params: [hashes.at(-1)] },
      ]);
      if (last) break;
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

/**
 * Creates `count` open rooms from `creator`, at consecutive nonces from its current one.
 *
 * @returns The room ids (lower case).
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
  const salts = Array.from(
    { length: count },
    () => toHex(crypto.getRandomValues(new Uint8Array(32))),
  );
  await sendCalls(
    chain,
    salts.map((salt, i) => [
      creator,
      base + i,
      encodeFunctionData({
        abi: roomRegistryAbi,
        functionName: "createRoom",
        args: [salt, ZERO, 0n],
      }),
    ]),
  );
  return salts.map((salt) => roomIdOf(creator.address, salt));
}

/**
 * Publishes commitments, each its account's transaction number `nonce` (default 0: its first).
 */
export async function commitAll(
  chain: TestChain,
  entries: { account: PrivateKeyAccount; roomId: Hex; commitment: Hex }[],
  nonce = 0,
): Promise<void> {
  await sendCalls(
    chain,
    entries.map((e) => [
      e.account,
      nonce,
      encodeFunctionData({
        abi: roomRegistryAbi,
        functionName: "commitKey",
        args: [e.roomId, e.commitment, []],
      }),
    ]),
  );
}

/**
 * Fresh session keys for every account, each committed in its pair's room (accounts 2i and
 * 2i + 1 share `rooms[i]`), as batched raw transactions.
 *
 * @param chain The test chain.
 * @param accounts Funded accounts (the rooms' members).
 * @param rooms One room per pair of accounts.
 * @param nonce The accounts' transaction count before (0 for fresh accounts).
 * @returns Each account's keys, in the order of `accounts`.
 *
 * @example
 * ```ts ignore
 * // Needs a test chain with funded accounts and rooms (testing/chain_batch.ts).
 * const keys = await commitPairKeys(chain, accounts, rooms);
 * ```
 */
export async function commitPairKeys(
  chain: TestChain,
  accounts: PrivateKeyAccount[],
  rooms: Hex[],
  nonce = 0,
): Promise<TestKeys[]> {
  const keys = accounts.map((_, i) => makeKeys(chain, rooms[i >> 1]));
  await commitAll(
    chain,
    accounts.map((account, i) => ({
      account,
      roomId: rooms[i >> 1],
      commitment: keys[i].commitmentOf(account.address),
    })),
    nonce,
  );
  return keys;
}
