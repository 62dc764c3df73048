/**
 * The offer check's case table (testing/offer_check_cases.ts) in real headless Chromium: a
 * bundled page runs every case through the client's `verifyPeerDescription` against the same kind
 * of real test chain the server and Deno runners use (rooms and commitments made by
 * testing/offer_check_fixture.ts), with Chromium's fetch and WebCrypto.
 */
import assert from "node:assert/strict";
import { startTestChain } from "../../testing/chain.ts";
import { deadUrl } from "../../testing/dead_url.ts";
import { OFFER_CHECK_CASES } from "../../testing/offer_check_cases.ts";
import { makeOfferCheckFixture } from "../../testing/offer_check_fixture.ts";
import { launchChromium, watchPage } from "./chromium.ts";
import { bundleEntry, servePage } from "./harness.ts";
import type { OfferCheckHarness } from "./testdata/offer_check_harness.ts";

const ENTRY = new URL("./testdata/offer_check_harness.ts", import.meta.url).pathname;

Deno.test("offer check in Chromium: every case of the shared table", async (t) => {
  const chain = await startTestChain();
  const server = servePage(await bundleEntry(ENTRY));
  const browser = await launchChromium();
  try {
    const f = await makeOfferCheckFixture(chain);
    const page = await browser.newPage();
    const problems = await watchPage(page);
    await page.goto(server.url);
    await page.waitForFunction(() => "offerCheck" in globalThis);
    const results = await page.evaluate(
      ([fixture, urls]) =>
        (globalThis as unknown as { offerCheck: OfferCheckHarness }).offerCheck.run(fixture, urls),
      [f, { up: chain.rpcUrl, down: deadUrl() }] as const,
    );
    assert.deepEqual(results.map((r) => r.name), OFFER_CHECK_CASES.map((c) => c.name));
    for (const [i, c] of OFFER_CHECK_CASES.entries()) {
      await t.step(c.name, () => assert.equal(results[i].outcome, c.expect));
    }
    // The chain-down case fails its requests on purpose, and the test page has no favicon:
    // those are expected, nothing else.
    assert.deepEqual(
      problems.filter((p) => !/ERR_CONNECTION_REFUSED|\/favicon\.ico/.test(p)),
      [],
    );
  } finally {
    await browser.close();
    await server.close();
    await chain.stop();
  }
});
