/**
 * A call relayed only through a real coturn (`iceTransportPolicy: "relay"`): two Chromium pages
 * with fake devices start a video call on their verified link; both tiles say the path is the
 * relay, and each side decodes the other's video and hears its audio.
 */
import assert from "node:assert/strict";
import { startTestChain } from "../../testing/chain.ts";
import { person, RESULTS, shot } from "./app_flow.ts";
import { startAppServer, type TestAppServer } from "./app_server.ts";
import { call, meet, tile, waitForMedia } from "./call_flow.ts";
import { type Coturn, startCoturn } from "./coturn.ts";
import { launchTestBrowser } from "./test_browser.ts";
import type { TestBrowser } from "./test_page.ts";

Deno.test("calls: relay only through coturn, video both ways", async () => {
  await Deno.mkdir(RESULTS, { recursive: true });
  const chain = await startTestChain();
  let turn: Coturn | undefined;
  let app: TestAppServer | undefined;
  let browser: TestBrowser | undefined;
  try {
    turn = await startCoturn();
    app = await startAppServer(chain, {
      env: {
        MESH3_TURN_URLS: turn.url,
        MESH3_TURN_USERNAME: turn.username,
        MESH3_TURN_CREDENTIAL: turn.credential,
        MESH3_ICE_POLICY: "relay",
      },
    });
    browser = await launchTestBrowser("chromium", { media: "fake" });
    const [alice, bob] = await Promise.all([person(browser, chain, 5), person(browser, chain, 6)]);
    const { a, b } = await meet(app.url, alice, bob);
    await call(a, [b], true);
    await waitForMedia(a, b);
    for (const [me, other] of [[a, b], [b, a]]) {
      const f = (await tile(me.page, other.address))!;
      assert.equal(f.path, "relay");
      assert.equal(f.verified, true);
    }
    await alice.page.find("call-path", { hasText: "Through a relay" }).waitFor();
    await shot(alice.page, "calls-06-relay");
    await alice.page.find("call-hang-up").click();
    await bob.page.find("call-panel", { attrs: { "data-phase": "idle" } }).waitFor();
  } finally {
    await browser?.close().catch(() => {});
    await app?.stop();
    await turn?.stop();
    await chain.stop();
  }
});
