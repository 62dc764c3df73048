/**
 * Calls between Chromium and Firefox (ESR, puppeteer over WebDriver BiDi, fake media prefs) on the
 * real server and chain: a 1:1 video call in which each side's inbound-rtp shows frames decoded and
 * audio energy, on the verified link; Firefox mutes and its audio packets stop, then flow again;
 * Firefox hangs up and both calls end.
 */
import { startTestChain } from "../../testing/chain.ts";
import { person, RESULTS, shot } from "./app_flow.ts";
import { startAppServer, type TestAppServer } from "./app_server.ts";
import { assertAudioFlow, call, meet, waitForMedia } from "./call_flow.ts";
import { launchTestBrowser } from "./test_browser.ts";
import type { TestBrowser } from "./test_page.ts";

Deno.test("calls: Chromium and Firefox, video both ways, mute, hang up", async () => {
  await Deno.mkdir(RESULTS, { recursive: true });
  const chain = await startTestChain();
  let app: TestAppServer | undefined;
  const browsers: TestBrowser[] = [];
  try {
    app = await startAppServer(chain);
    browsers.push(await launchTestBrowser("chromium", { media: "fake" }));
    browsers.push(await launchTestBrowser("firefox", { media: "fake" }));
    const [alice, bob] = await Promise.all([
      person(browsers[0], chain, 15),
      person(browsers[1], chain, 16),
    ]);
    const { a, b } = await meet(app.url, alice, bob);

    await call(b, [a], true);
    await waitForMedia(a, b);
    await bob.page.find("call-verified").waitFor();
    await alice.page.find("call-verified").waitFor();
    await shot(bob.page, "calls-f01-firefox-video");

    await bob.page.find("call-mic").click();
    await assertAudioFlow(alice.page, bob.address, false);
    await bob.page.find("call-mic").click();
    await assertAudioFlow(alice.page, bob.address, true);

    await bob.page.find("call-hang-up").click();
    for (const p of [alice.page, bob.page]) {
      await p.find("call-panel", { attrs: { "data-phase": "idle" } }).waitFor();
    }
  } finally {
    await Promise.all(browsers.map((b) => b.close().catch(() => {})));
    await app?.stop();
    await chain.stop();
  }
});
