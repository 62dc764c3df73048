/**
 * ENS names against ENS's own registry, public resolver and reverse registrar on a real local
 * chain (testing/ens.ts; the UniversalResolver is a stand-in that does not check forward records,
 * so these tests show Mesh3's own check).
 */
import assert from "node:assert/strict";
import type { Address, PublicClient } from "viem";
import { startTestChain } from "../../testing/chain.ts";
import { deployEns } from "../../testing/ens.ts";
import { addressOf, EnsNameError, ensProfile, type EnsSource } from "./ens_names.ts";
import { memberList } from "./members.ts";

const AVATAR = "data:image/png;base64,iVBORw0KGgo=";

Deno.test("ENS names: primary names checked forward, names accepted as addresses", async (t) => {
  const chain = await startTestChain();
  try {
    const ens = await deployEns(chain);
    const src: EnsSource = {
      client: chain.publicClient as PublicClient,
      universalResolver: ens.universalResolver,
    };
    const who = (i: number) => chain.walletClient(i).account.address;
    await ens.register("alice", 1, { avatar: AVATAR });
    await ens.setPrimaryName(1, "alice.eth");

    await t.step(
      "behavior: a primary name whose forward record agrees is shown, with its avatar",
      async () => {
        assert.deepEqual(await ensProfile(src, who(1)), { name: "alice.eth", avatar: AVATAR });
      },
    );

    await t.step("error: a reverse record naming someone else's name is NOT shown", async () => {
      // Mallory (account 2) claims "alice.eth" as her primary name: the reverse record says so,
      // the forward record says alice.
      await ens.setPrimaryName(2, "alice.eth");
      const { getEnsName } = await import("viem/actions");
      assert.equal(
        await getEnsName(src.client, {
          address: who(2),
          universalResolverAddress: src.universalResolver,
        }),
        "alice.eth",
        "the reverse record alone lies",
      );
      assert.equal(await ensProfile(src, who(2)), null);
    });

    await t.step(
      "error: a name with no forward record, or not in normal form, is not shown",
      async () => {
        await ens.register("carol", 3, { addr: null });
        await ens.setPrimaryName(3, "carol.eth");
        assert.equal(await ensProfile(src, who(3)), null);
        await ens.register("Dave", 4); // label hash of "Dave": normalize("Dave.eth") is "dave.eth"
        await ens.setPrimaryName(4, "Dave.eth");
        assert.equal(await ensProfile(src, who(4)), null);
        assert.equal(await ensProfile(src, who(5)), null, "no reverse record at all");
      },
    );

    await t.step("behavior: an avatar that is not an on-chain image is left out", async () => {
      await ens.register("erin", 6, { avatar: "https://tracker.example/erin.png" });
      await ens.setPrimaryName(6, "erin.eth");
      assert.deepEqual(await ensProfile(src, who(6)), { name: "erin.eth", avatar: null });
    });

    await t.step("behavior: ENS names are accepted in a member list", async () => {
      await ens.register("bob", 7); // forward only, no primary name
      const entries = ["alice.eth", "bob.eth", who(8)];
      const addresses = await Promise.all(entries.map((e) => addressOf(src, e)));
      assert.deepEqual(addresses, [who(1), who(7), who(8)]);
      assert.deepEqual(memberList(addresses).members, [who(1), who(7), who(8)]);
      assert.equal(await addressOf(src, "ALICE.eth"), who(1), "typed names are normalized");
    });

    const refusals: [string, EnsSource | null, RegExp][] = [
      ["nobody.eth", src, /the name has no address in ENS/],
      ["carol.eth", src, /the name has no address in ENS/],
      ["not an address", src, /it is not an address/],
      ["bad..eth", src, /not a valid ENS name/],
      ["alice.eth", null, /this chain has no ENS/],
    ];
    for (const [entry, source, why] of refusals) {
      await t.step(`error: "${entry}" ${source ? "" : "without ENS "}is refused`, async () => {
        await assert.rejects(
          addressOf(source, entry),
          (e) => e instanceof EnsNameError && why.test(e.message),
        );
      });
    }

    await t.step("error: an unreachable ENS shows no name and refuses names clearly", async () => {
      const down: EnsSource = { ...src, universalResolver: who(9) as Address }; // no contract
      assert.equal(await ensProfile(down, who(1)), null);
      await assert.rejects(addressOf(down, "alice.eth"), EnsNameError);
    });
  } finally {
    await chain.stop();
  }
});
