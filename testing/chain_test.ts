import assert from "node:assert/strict";
import { BaseError, ContractFunctionRevertedError, getAddress, keccak256, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { roomRegistryAbi } from "../app/chain/registry_abi.ts";
import { startTestChain } from "./chain.ts";

async function rpc(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return await res.json();
}

Deno.test("startTestChain: serves a real EDR chain with the registry over loopback HTTP", async (t) => {
  const chain = await startTestChain();
  try {
    await t.step("behavior: rpcUrl is loopback and answers the chain id", async () => {
      assert.match(chain.rpcUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(chain.chainId, 31337);
      assert.equal(await chain.publicClient.getChainId(), 31337);
    });

    await t.step("behavior: accounts are the funded Hardhat development accounts", async () => {
      assert.equal(chain.accounts.length, 20);
      const nodeAccounts = await rpc(chain.rpcUrl, {
        jsonrpc: "2.0",
        id: 1,
        method: "eth_accounts",
      }) as { result: string[] };
      assert.deepEqual(
        chain.accounts.map((k) => privateKeyToAccount(k).address),
        nodeAccounts.result.map((a) => getAddress(a)),
      );
      const balance = await chain.publicClient.getBalance({
        address: privateKeyToAccount(chain.accounts[19]).address,
      });
      assert.ok(balance > 10n ** 21n);
    });

    await t.step("behavior: batch requests are answered in order with their ids", async () => {
      const out = await rpc(chain.rpcUrl, [
        { jsonrpc: "2.0", id: 7, method: "eth_chainId" },
        { jsonrpc: "2.0", id: "b", method: "no_such_method" },
        { jsonrpc: "2.0", id: 9, method: "eth_blockNumber", params: [] },
      ]) as { id: unknown; result?: unknown; error?: unknown }[];
      assert.equal(out.length, 3);
      assert.deepEqual(out.map((r) => r.id), [7, "b", 9]);
      assert.equal(out[0].result, "0x7a69");
      assert.ok(out[1].error);
      assert.equal(typeof out[2].result, "string");
    });

    await t.step("behavior: CORS preflight and headers let browsers call it", async () => {
      const pre = await fetch(chain.rpcUrl, {
        method: "OPTIONS",
        headers: { origin: "http://localhost:8000", "access-control-request-method": "POST" },
      });
      await pre.body?.cancel();
      assert.equal(pre.status, 204);
      assert.equal(pre.headers.get("access-control-allow-origin"), "*");
      const res = await fetch(chain.rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://localhost:8000" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId" }),
      });
      await res.body?.cancel();
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
    });

    await t.step("behavior: the registry is deployed and takes transactions", async () => {
      const code = await chain.publicClient.getCode({ address: chain.registry });
      assert.ok(code && code.length > 2);
      const wallet = chain.walletClient(1);
      const salt = keccak256(toHex("chain_test"));
      const hash = await wallet.writeContract({
        address: chain.registry,
        abi: roomRegistryAbi,
        functionName: "createRoom",
        args: [salt, `0x${"00".repeat(32)}`, 0n],
      });
      const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
      assert.equal(receipt.status, "success");
    });

    await t.step("error: a revert reaches viem as the custom error", async () => {
      const error = await chain.publicClient.simulateContract({
        address: chain.registry,
        abi: roomRegistryAbi,
        functionName: "closeRoom",
        args: [`0x${"11".repeat(32)}`],
        account: privateKeyToAccount(chain.accounts[2]),
      }).then(() => undefined, (e) => e);
      assert.ok(error instanceof BaseError);
      const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
      assert.ok(reverted instanceof ContractFunctionRevertedError);
      assert.equal(reverted.data?.errorName, "RegistryUnknownRoom");
    });

    await t.step(
      "behavior: goOffline refuses connections, goOnline restores the port",
      async () => {
        await chain.goOffline();
        await assert.rejects(() =>
          fetch(chain.rpcUrl, { method: "POST", body: "{}" }).then((r) => r.body?.cancel())
        );
        await chain.goOffline(); // idempotent
        await chain.goOnline();
        assert.equal(await chain.publicClient.getChainId(), 31337);
      },
    );
  } finally {
    await chain.stop();
  }
  await chain.stop(); // safe twice
  await assert.rejects(() => fetch(chain.rpcUrl, { method: "POST", body: "{}" }));
});

Deno.test("startTestChain: several chains at once, each in its own process", async () => {
  // EDR's native context exists once per process: chains in one process would crash it. Two at
  // once (as two test modules in one `deno test` run would make) must be independent.
  const [a, b] = await Promise.all([startTestChain(), startTestChain({ chainId: 1337 })]);
  try {
    assert.notEqual(a.rpcUrl, b.rpcUrl);
    assert.equal(await a.publicClient.getChainId(), 31337);
    assert.equal(await b.publicClient.getChainId(), 1337);
    await a.goOffline();
    assert.equal(await b.publicClient.getChainId(), 1337);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
  await assert.rejects(() => fetch(b.rpcUrl, { method: "POST", body: "{}" }));
});

Deno.test("startTestChain: setBlockTime mines on an interval like a public chain, and back", async () => {
  const chain = await startTestChain();
  try {
    const send = () =>
      chain.walletClient(3).sendTransaction({
        to: chain.walletClient(4).account.address,
        value: 1n,
      });
    await chain.setBlockTime(5000);
    const hash = await send();
    // Not mined at once: the receipt is not there right after sending (the next block is up to
    // 5 s away; a block falling between these two calls, a few ms apart, would fail this).
    const early = await chain.publicClient.getTransactionReceipt({ hash }).catch(() => null);
    assert.equal(early, null);
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash, timeout: 10_000 });
    assert.equal(receipt.status, "success");
    await chain.setBlockTime(0);
    const again = await send();
    assert.ok(await chain.publicClient.getTransactionReceipt({ hash: again }));
    await assert.rejects(chain.setBlockTime(-1), RangeError);
    await assert.rejects(chain.setBlockTime(1.5), /Cannot set the block time/);
  } finally {
    await chain.stop();
  }
});
