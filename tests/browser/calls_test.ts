/**
 * Calls between Chromium pages on the real server and chain, with Chromium's fake camera and
 * microphone (issue 13): a 1:1 video call in which each side's inbound-rtp shows frames decoded
 * and audio energy, on the verified link (badge, path); mute stops the audio packets and unmute
 * brings them back; screen share replaces the video track; hang up ends the call on both sides;
 * a denied microphone is explained; three people in an audio call each hear the two others (a
 * mesh on the pairwise links); and a hostile server that swaps the DTLS fingerprint in the
 * call's renegotiation offer is refused by the peer, and the call ends on both sides with a reason.
 * Screenshots go to test-results/.
 */
import assert from "node:assert/strict";
import type { Hex } from "viem";
import { startTestChain } from "../../testing/chain.ts";
import {
  joinRoom,
  type Person,
  person,
  RESULTS,
  shot,
  waitForOpenPeer,
  waitForOpenPeers,
} from "./app_flow.ts";
import { startAppServer, type TestAppServer } from "./app_server.ts";
import {
  assertAudioFlow,
  call,
  meet,
  type Peer,
  tile,
  waitForMedia,
  waitForTile,
} from "./call_flow.ts";
import { type Attack, hostile } from "./hostile_signaling.ts";
import { launchTestBrowser } from "./test_browser.ts";
import type { TestBrowser, TestPage } from "./test_page.ts";

Deno.test("calls: Chromium to Chromium over the verified link", async (t) => {
  await Deno.mkdir(RESULTS, { recursive: true });
  const chain = await startTestChain();
  const attacks = new Map<string, Attack>();
  let app: TestAppServer | undefined;
  const browsers: TestBrowser[] = [];
  try {
    app = await startAppServer(chain, { tamper: hostile(attacks) });
    const browser = await launchTestBrowser("chromium", { media: "fake" });
    browsers.push(browser);
    const people: Person<TestPage>[] = await Promise.all(
      [1, 2].map((i) => person(browser, chain, i)),
    );
    const [alice, bob] = people;
    const { link, a, b } = await meet(app.url, alice, bob);
    const roomId = link.split("/room/")[1].toLowerCase() as Hex;

    await t.step("a denied microphone is explained, not a dead button", async () => {
      const denying = await launchTestBrowser("chromium", { media: "deny" });
      browsers.push(denying);
      const carol = await person(denying, chain, 3);
      await joinRoom(carol.page, link);
      await waitForOpenPeer(carol.page);
      await carol.page.find("call-start-audio").click();
      const text = await carol.page.find("call-problem").text();
      assert.match(text, /Cannot use the microphone: permission was denied/);
      assert.equal(
        await carol.page.find("call-panel", { attrs: { "data-phase": "idle" } }).count(),
        1,
      );
      await shot(carol.page, "calls-01-permission-denied");
      await carol.page.close();
      await denying.close();
      browsers.pop();
    });

    await t.step("1:1 video: frames decoded and audio energy on both sides", async () => {
      await call(a, [b], true);
      await waitForMedia(a, b);
      for (const [me, other] of [[a, b], [b, a]]) {
        const f = (await tile(me.page, other.address))!;
        assert.equal(f.verified, true);
        assert.equal(f.path, "direct");
      }
      await bob.page.find("call-verified").waitFor();
      await shot(alice.page, "calls-02-video-call");
    });

    await t.step("mute stops the audio flow; unmute brings it back", async () => {
      await assertAudioFlow(alice.page, bob.address, true);
      await bob.page.find("call-mic").click();
      await assertAudioFlow(alice.page, bob.address, false);
      await alice.page.find("call-tile", { hasText: "Muted" }).waitFor();
      await bob.page.find("call-mic").click();
      await assertAudioFlow(alice.page, bob.address, true);
    });

    await t.step("screen share replaces the camera track, video keeps flowing", async () => {
      await alice.page.find("call-screen").click();
      await bob.page.find("call-tile", { hasText: "Sharing screen" }).waitFor();
      const before = (await tile(bob.page, alice.address))!.framesDecoded;
      await waitForTile(
        bob.page,
        alice.address,
        (f) => f.framesDecoded > before + 10,
        "frames of the shared screen",
      );
      const sent = await alice.page.evaluate(() => {
        const v = document.querySelector('[data-testid="call-local-video"]') as HTMLVideoElement;
        const track = (v.srcObject as MediaStream).getVideoTracks()[0];
        return track?.label ?? "";
      }, null);
      assert.doesNotMatch(sent, /fake_device|camera/i);
      await shot(bob.page, "calls-03-screen-share");
      await alice.page.find("call-screen").click();
    });

    await t.step("hang up ends the call on both sides; a second call works", async () => {
      await bob.page.find("call-hang-up").click();
      for (const p of [alice.page, bob.page]) {
        await p.find("call-panel", { attrs: { "data-phase": "idle" } }).waitFor();
      }
      await call(b, [a], false);
      await waitForMedia(a, b, false);
      await alice.page.find("call-hang-up").click();
      await bob.page.find("call-panel", { attrs: { "data-phase": "idle" } }).waitFor();
    });

    await t.step("three people in an audio call: everyone hears the two others", async () => {
      const carol = await person(browser, chain, 4);
      await joinRoom(carol.page, link);
      await waitForOpenPeer(carol.page);
      const c: Peer = { page: carol.page, address: carol.address };
      for (const p of [alice.page, bob.page]) {
        await p.find("call-panel", { attrs: { "data-phase": "idle" } }).waitFor();
      }
      await waitForOpenPeers(carol.page, 2, [alice.page, bob.page]);
      await call(a, [b, c], false);
      await waitForMedia(a, b, false);
      await waitForMedia(a, c, false);
      await waitForMedia(b, c, false);
      await shot(carol.page, "calls-05-three-people");
      // The last one left in a call is told so and the call ends by itself.
      for (const p of [alice, bob]) await p.page.find("call-hang-up").click();
      await carol.page.find("call-panel", { attrs: { "data-phase": "idle" } }).waitFor();
      assert.match(await carol.page.find("call-problem").text(), /no one else is in it/);
      await carol.page.close();
    });

    await t.step(
      "a fingerprint swapped in the call's renegotiation is refused, call ends with why",
      async () => {
        attacks.set(roomId, { kind: "swap", on: "offer", swap: "fingerprint", media: true });
        await alice.page.find("call-start-video").click();
        await bob.page.find("call-accept").click();
        const offerer = alice.address.toLowerCase() < bob.address.toLowerCase() ? alice : bob;
        const answerer = offerer === alice ? bob : alice;
        const refused = await answerer.page.find("call-problem").text();
        assert.match(refused, /Call ended: Refused the peer's connection: its keys do not match/);
        await answerer.page.find("peer", { attrs: { "data-state": "refused" } }).waitFor();
        const other = await offerer.page.find("call-problem").text();
        assert.match(other, /Call ended/);
        for (const p of [alice.page, bob.page]) {
          await p.find("call-panel", { attrs: { "data-phase": "idle" } }).waitFor();
        }
        await shot(answerer.page, "calls-04-renegotiation-refused");
      },
    );
  } finally {
    for (const b of browsers) await b.close().catch(() => {});
    await app?.stop();
    await chain.stop();
  }
});
