/**
 * Members-only rooms end to end: a real `@openzeppelin/merkle-tree` StandardMerkleTree of
 * addresses, the registry on a real EDR chain over loopback HTTP, proofs made by the library.
 */
import assert from "node:assert/strict";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { BaseError, ContractFunctionRevertedError, type Hex, keccak256, slice, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { roomRegistryAbi } from "../app/chain/registry_abi.ts";
import { startTestChain } from "../testing/chain.ts";

function revertName(error: unknown): string | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  return reverted instanceof ContractFunctionRevertedError ? reverted.data?.errorName : undefined;
}

Deno.test("RoomRegistry: members-only room with a StandardMerkleTree of addresses", async (t) => {
  const chain = await startTestChain();
  try {
    const { publicClient, registry } = chain;
    const address = (i: number) => privateKeyToAccount(chain.accounts[i]).address;
    // Members: accounts 1..4 plus addresses no one holds a key to; account 5 is an outsider.
    const members = [1, 2, 3, 4].map(address);
    const strangers = Array.from({ length: 12 }, (_, i) => slice(keccak256(toHex(i)), 12));
    const tree = StandardMerkleTree.of([...members, ...strangers].map((a) => [a]), ["address"]);
    const creator = chain.walletClient(1);
    const salt = keccak256(toHex("members-only"));
    const commitment = keccak256(toHex("session keys"));
    let roomId: Hex = "0x";

    const send = async (index: number, proof: Hex[]) => {
      const { request } = await publicClient.simulateContract({
        address: registry,
        abi: roomRegistryAbi,
        functionName: "commitKey",
        args: [roomId, commitment, proof],
        account: privateKeyToAccount(chain.accounts[index]),
      });
      const hash = await chain.walletClient(index).writeContract(request);
      return await publicClient.waitForTransactionReceipt({ hash });
    };

    await t.step("behavior: createRoom stores the tree's root", async () => {
      const { result, request } = await publicClient.simulateContract({
        address: registry,
        abi: roomRegistryAbi,
        functionName: "createRoom",
        args: [salt, tree.root as Hex, 0n],
        account: creator.account,
      });
      roomId = result;
      await publicClient.waitForTransactionReceipt({ hash: await creator.writeContract(request) });
      const [stored, root] = await publicClient.readContract({
        address: registry,
        abi: roomRegistryAbi,
        functionName: "rooms",
        args: [roomId],
      });
      assert.equal(stored, creator.account.address);
      assert.equal(root, tree.root);
    });

    await t.step("behavior: a member commits with the library's proof", async () => {
      const member = address(3);
      const receipt = await send(3, tree.getProof([member]) as Hex[]);
      assert.equal(receipt.status, "success");
      const [stored, blockNumber] = await publicClient.readContract({
        address: registry,
        abi: roomRegistryAbi,
        functionName: "commitmentOf",
        args: [roomId, member],
      });
      assert.equal(stored, slice(commitment, 0, 24));
      assert.equal(blockNumber, receipt.blockNumber);
    });

    await t.step("error: a non-member is refused with RegistryNotMember", async () => {
      const stolen = tree.getProof([address(2)]) as Hex[];
      assert.equal(await send(5, stolen).then(() => undefined, revertName), "RegistryNotMember");
      assert.equal(await send(5, []).then(() => undefined, revertName), "RegistryNotMember");
    });

    await t.step(
      "error: a member with a wrong proof is refused with RegistryNotMember",
      async () => {
        const proof = tree.getProof([address(4)]) as Hex[];
        const wrong = [...proof];
        wrong[0] = keccak256(wrong[0]);
        assert.equal(await send(4, wrong).then(() => undefined, revertName), "RegistryNotMember");
        const other = tree.getProof([address(1)]) as Hex[];
        assert.equal(await send(4, other).then(() => undefined, revertName), "RegistryNotMember");
        assert.equal((await send(4, proof)).status, "success");
      },
    );
  } finally {
    await chain.stop();
  }
});
