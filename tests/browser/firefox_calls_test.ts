/**
 * Calls between Chromium and Firefox (ESR, puppeteer over WebDriver BiDi, fake media prefs) on the
 * real server and chain: a 1:1 video call in which each side's inbound-rtp shows frames decoded and
 * audio energy, on the verified link; Firefox mutes and its audio packets stop, then flow again;
 * Chromium shares its screen in place of the camera and Firefox decodes it; Firefox asked to share
 * (headless: no screen) explains why it cannot and its camera keeps flowing; Firefox
 * hangs up and both calls end; and a hostile server that swaps the DTLS fingerprint in the next
 * call's renegotiation (in what Chromium sends) is refused by Firefox, and the call ends on both
 * sides with a reason.
 */
import assert from "node:assert/strict";
import type { Hex } from "viem";
import { startTestChain } from "../../testing/chain.ts";
import { person, RESULTS, shot } from "./app_flow.ts";
import { startAppServer, type TestAppServer } from "./app_server.ts";
import { assertAudioFlow, call, meet, tile, waitForMedia, waitForTile } from "./call_flow.ts";
import { type Attack, hostile } from "./hostile_signaling.ts";
import { launchTestBrowser } from "./test_browser.ts";
import type { TestBrowser } from "./test_page.ts";

Deno.test("calls: Chromium and Firefox, video, mute, screen share, hostile renegotiation", async (t) => {
  await Deno.mkdir(RESULTS, { recursive: true });
  const chain = await startTestChain();
  const attacks = new Map<string, Attack>();
  let app: TestAppServer | undefined;
  const browsers: TestBrowser[] = [];
  try {
    app = await startAppServer(chain, { tamper: hostile(attacks) });
    browsers.push(await launchTestBrowser("chromium", { media: "fake" }));
    browsers.push(await launchTestBrowser("firefox", { media: "fake" }));
    const [alice, bob] = await Promise.all([
      person(browsers[0], chain, 15),
      person(browsers[1], chain, 16),
    ]);
    const { link, a, b } = await meet(app.url, alice, bob);
    const roomId = link.split("/room/")[1].toLowerCase() as Hex;

    await t.step("video both ways on the verified link; Firefox mutes and unmutes", async () => {
      await call(b, [a], true);
      await waitForMedia(a, b);
      await bob.page.find("call-verified").waitFor();
      await alice.page.find("call-verified").waitFor();
      await shot(bob.page, "calls-f01-firefox-video");
      await bob.page.find("call-mic").click();
      await assertAudioFlow(alice.page, bob.address, false);
      await bob.page.find("call-mic").click();
      await assertAudioFlow(alice.page, bob.address, true);
    });

    await t.step("Chromium's screen share replaces its track; Firefox decodes it", async () => {
      await alice.page.find("call-screen").click();
      await bob.page.find("call-tile", { hasText: "Sharing screen" }).waitFor();
      const before = (await tile(bob.page, alice.address))!.framesDecoded;
      await waitForTile(
        bob.page,
        alice.address,
        (f) => f.framesDecoded > before + 10,
        "frames of Chromium's shared screen in Firefox",
      );
      await shot(bob.page, "calls-f02-firefox-receives-screen");
      await alice.page.find("call-screen").click();
      await bob.page.find("call-tile", { hasText: "Sharing screen" }).waitFor({
        state: "detached",
      });
    });

    await t.step("Firefox without a screen to share says so; its camera keeps going", async () => {
      // Headless Firefox has no screen: getDisplayMedia refuses (NotFoundError).
      await bob.page.find("call-screen").click();
      assert.match(
        await bob.page.find("call-problem").text(),
        /Cannot share the screen: there is no screen or window to share\./,
      );
      const inCall = bob.page.find("call-panel", { attrs: { "data-phase": "in-call" } });
      assert.equal(await inCall.count(), 1);
      const before = (await tile(alice.page, bob.address))!.framesDecoded;
      await waitForTile(
        alice.page,
        bob.address,
        (f) => f.framesDecoded > before + 10,
        "frames of Firefox's camera after the refused share",
      );
    });

    await t.step("Firefox hangs up: both calls end", async () => {
      await bob.page.find("call-hang-up").click();
      for (const p of [alice.page, bob.page]) {
        await p.find("call-panel", { attrs: { "data-phase": "idle" } }).waitFor();
      }
    });

    await t.step(
      "a fingerprint swapped in the call's renegotiation is refused, call ends with why",
      async () => {
        // Firefox is the one to refuse: the swap is in what Chromium sends it (offer or answer).
        const firefoxOffers = bob.address.toLowerCase() < alice.address.toLowerCase();
        const on = firefoxOffers ? "answer" : "offer";
        attacks.set(roomId, { kind: "swap", on, swap: "fingerprint", media: true });
        await bob.page.find("call-start-video").click();
        await alice.page.find("call-accept").click();
        const refused = await bob.page.find("call-problem").text();
        assert.match(refused, /Call ended: Refused the peer's connection: its keys do not match/);
        await bob.page.find("peer", { attrs: { "data-state": "refused" } }).waitFor();
        assert.match(await alice.page.find("call-problem").text(), /Call ended/);
        for (const p of [alice.page, bob.page]) {
          await p.find("call-panel", { attrs: { "data-phase": "idle" } }).waitFor();
        }
        await shot(bob.page, "calls-f03-firefox-renegotiation-refused");
      },
    );
  } finally {
    await Promise.all(browsers.map((b) => b.close().catch(() => {})));
    await app?.stop();
    await chain.stop();
  }
});
