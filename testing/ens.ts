/**
 * ENS on the local test chain (issue 16, item 3): ENS's own registry, public resolver and reverse
 * registrar, deployed from their published bytecode (npm `@ensdomains/ens-archived-contracts`
 * 0.0.2: `ENSRegistry` and `ReverseRegistrar` from solc 0.5.16, `PublicResolver` from 0.5.8),
 * and in front of them `UniversalResolverStandIn` (contracts/test/), because the
 * UniversalResolver that viem's ENS actions call is not in any package the npm registry here
 * serves (`@ensdomains/ens-contracts` has no version there).
 * @module
 */
import ensRegistry from "@ensdomains/ens-archived-contracts/abis/ens/ENSRegistry.json" with {
  type: "json",
};
import reverseRegistrar from "@ensdomains/ens-archived-contracts/abis/ens/ReverseRegistrar.json" with {
  type: "json",
};
import publicResolver from "@ensdomains/ens-archived-contracts/abis/resolver/PublicResolver.json" with {
  type: "json",
};
import { type Abi, type Address, type Hex, labelhash, namehash, zeroHash } from "viem";
import type { TestChain } from "./chain.ts";

const STAND_IN = new URL(
  "../artifacts/contracts/test/UniversalResolverStandIn.sol/UniversalResolverStandIn.json",
  import.meta.url,
);

/** ENS deployed on a test chain, and the calls tests make on it. */
export interface TestEns {
  registry: Address;
  resolver: Address;
  reverseRegistrar: Address;
  universalResolver: Address;
  /**
   * Gives `<label>.eth` to account `owner`, its resolver the public resolver, its forward record
   * `addr` (default the owner's address; null: none) and an `avatar` text record if given.
   * @returns The name.
   */
  register(label: string, owner: number, o?: { addr?: Address | null; avatar?: string }): Promise<
    string
  >;
  /** Sets account `index`'s reverse record (its primary name) to `name`: any name, true or not. */
  setPrimaryName(index: number, name: string): Promise<void>;
}

/**
 * Deploys ENS on the chain from account 0, with `eth` and `addr.reverse` set up.
 *
 * @example
 * ```ts ignore
 * const ens = await deployEns(chain);
 * await ens.register("alice", 1);
 * await ens.setPrimaryName(1, "alice.eth");
 * ```
 */
export async function deployEns(chain: TestChain): Promise<TestEns> {
  const admin = chain.walletClient(0);
  const done = async (hash: Hex) => {
    const r = await chain.publicClient.waitForTransactionReceipt({ hash });
    if (r.status !== "success") throw new Error("Cannot set up ENS: a transaction reverted");
    return r;
  };
  const deploy = async (artifact: { abi: unknown; bytecode: string }, args: unknown[] = []) => {
    const hash = await admin.deployContract({
      abi: artifact.abi as Abi,
      bytecode: artifact.bytecode as Hex,
      args,
    });
    return (await done(hash)).contractAddress!;
  };
  const registry = await deploy(ensRegistry);
  const resolver = await deploy(publicResolver, [registry]);
  const reverse = await deploy(reverseRegistrar, [registry, resolver]);
  const standIn = JSON.parse(await Deno.readTextFile(STAND_IN));
  const universalResolver = await deploy(standIn, [registry]);
  const write = async (
    index: number,
    address: Address,
    abi: unknown,
    functionName: string,
    args: unknown[],
  ) => {
    const hash = await chain.walletClient(index).writeContract({
      address,
      abi: abi as Abi,
      functionName,
      args,
    });
    await done(hash);
  };
  const ens = ensRegistry.abi;
  await write(0, registry, ens, "setSubnodeOwner", [
    zeroHash,
    labelhash("eth"),
    admin.account.address,
  ]);
  await write(0, registry, ens, "setSubnodeOwner", [
    zeroHash,
    labelhash("reverse"),
    admin.account.address,
  ]);
  await write(0, registry, ens, "setSubnodeOwner", [
    namehash("reverse"),
    labelhash("addr"),
    reverse,
  ]);

  return {
    registry,
    resolver,
    reverseRegistrar: reverse,
    universalResolver,
    async register(label, owner, o = {}) {
      const name = `${label}.eth`;
      const who = chain.walletClient(owner).account.address;
      await write(0, registry, ens, "setSubnodeRecord", [
        namehash("eth"),
        labelhash(label),
        who,
        resolver,
        0n,
      ]);
      const addr = o.addr === undefined ? who : o.addr;
      const pr = publicResolver.abi;
      if (addr) await write(owner, resolver, pr, "setAddr", [namehash(name), addr]);
      if (o.avatar) {
        await write(owner, resolver, pr, "setText", [namehash(name), "avatar", o.avatar]);
      }
      return name;
    },
    async setPrimaryName(index, name) {
      await write(index, reverse, reverseRegistrar.abi, "setName", [name]);
    },
  };
}
