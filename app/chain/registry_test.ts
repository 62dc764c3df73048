import assert from "node:assert/strict";
import { type Hex, keccak256, toHex } from "viem";
import { startTestChain } from "../../testing/chain.ts";
import { readCommitment, readRoom } from "./registry.ts";
import { roomRegistryAbi } from "./registry_abi.ts";

const ZERO_ROOT: Hex = `0x${"00".repeat(32)}`;

Deno.test("readRoom and readCommitment: typed reads against a real chain", async (t) => {
  const chain = await startTestChain();
  try {
    const { publicClient, registry } = chain;
    const wallet = chain.walletClient(1);
    const create = async (salt: Hex, root: Hex, expiresAt: bigint) => {
      const { result, request } = await publicClient.simulateContract({
        address: registry,
        abi: roomRegistryAbi,
        functionName: "createRoom",
        args: [salt, root, expiresAt],
        account: wallet.account,
      });
      await publicClient.waitForTransactionReceipt({ hash: await wallet.writeContract(request) });
      return result;
    };

    await t.step("behavior: readRoom returns null for an unknown room", async () => {
      assert.equal(await readRoom(publicClient, registry, keccak256(toHex("none"))), null);
    });

    await t.step("behavior: readRoom describes open and members-only rooms", async () => {
      const open = await create(keccak256(toHex("open")), ZERO_ROOT, 0n);
      assert.deepEqual(await readRoom(publicClient, registry, open), {
        roomId: open,
        creator: wallet.account.address,
        membersRoot: ZERO_ROOT,
        expiresAt: 0n,
        closed: false,
        membersOnly: false,
      });
      const root = keccak256(toHex("root"));
      const closedRoom = await create(keccak256(toHex("closed")), root, 4_000_000_000n);
      await publicClient.waitForTransactionReceipt({
        hash: await wallet.writeContract({
          address: registry,
          abi: roomRegistryAbi,
          functionName: "closeRoom",
          args: [closedRoom],
        }),
      });
      const info = await readRoom(publicClient, registry, closedRoom);
      assert.equal(info?.membersOnly, true);
      assert.equal(info?.membersRoot, root);
      assert.equal(info?.expiresAt, 4_000_000_000n);
      assert.equal(info?.closed, true);
    });

    await t.step("behavior: readCommitment returns the stored 24 bytes and block", async () => {
      const roomId = await create(keccak256(toHex("commit")), ZERO_ROOT, 0n);
      const member = chain.walletClient(2);
      assert.equal(
        await readCommitment(publicClient, registry, roomId, member.account.address),
        null,
      );
      const commitment = keccak256(toHex("keys"));
      const receipt = await publicClient.waitForTransactionReceipt({
        hash: await member.writeContract({
          address: registry,
          abi: roomRegistryAbi,
          functionName: "commitKey",
          args: [roomId, commitment, []],
        }),
      });
      assert.deepEqual(
        await readCommitment(publicClient, registry, roomId, member.account.address),
        {
          commitment: commitment.slice(0, 50),
          blockNumber: receipt.blockNumber,
        },
      );
    });
  } finally {
    await chain.stop();
  }
});
