/**
 * The offer check's case table (testing/offer_check_cases.ts) against the browser's reader,
 * `registryReader`, in Deno: uncached reads of the registry on a real test chain, the chain-down
 * case through a loopback URL nothing listens on.
 */
import assert from "node:assert/strict";
import { createPublicClient, http, type PublicClient } from "viem";
import { startTestChain } from "../../testing/chain.ts";
import { deadUrl } from "../../testing/dead_url.ts";
import { OFFER_CHECK_CASES, outcomeOf } from "../../testing/offer_check_cases.ts";
import { makeOfferCheckFixture } from "../../testing/offer_check_fixture.ts";
import { checkOffer } from "./offer_check.ts";
import { registryReader } from "./registry.ts";

Deno.test("checkOffer with registryReader: every case of the shared table", async (t) => {
  const chain = await startTestChain();
  try {
    const f = await makeOfferCheckFixture(chain);
    const readers = {
      up: registryReader(chain.publicClient as PublicClient, f.registry),
      down: registryReader(
        createPublicClient({ transport: http(deadUrl(), { retryCount: 0 }) }),
        f.registry,
      ),
    };
    for (const c of OFFER_CHECK_CASES) {
      await t.step(c.name, async () => {
        const d = c.build(f);
        const member = f.accounts[d.member].address;
        const ctx = { chainId: f.chainId, registry: f.registry, roomId: d.roomId, member };
        let verified: Awaited<ReturnType<typeof checkOffer>> | undefined;
        const outcome = await outcomeOf(async () => {
          verified = await checkOffer(readers[c.chain], ctx, d);
        });
        assert.equal(outcome, c.expect);
        if (outcome === "accepted") {
          assert.equal(verified!.blockNumber > 0n, true);
          assert.deepEqual(
            [verified!.publicKey.length, verified!.fingerprint.length],
            [32, 32],
          );
        }
      });
    }
  } finally {
    await chain.stop();
  }
});
