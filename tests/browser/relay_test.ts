/**
 * Relay only: the server hands out a real coturn with `iceTransportPolicy: "relay"`; the two
 * browsers still connect, verify and chat, and the UI says "Relay". Every datagram between the
 * browsers and coturn passes a recording UDP forwarder (udp_recorder.ts): a unique marker sent
 * many times is delivered, yet never appears in any byte the relay saw (issue 6, item 4).
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { startTestChain } from "../../testing/chain.ts";
import { createRoom, joinRoom, person, sendMessage, shot, theirMessage } from "./app_flow.ts";
import { startAppServer, type TestAppServer } from "./app_server.ts";
import { launchChromium } from "./chromium.ts";
import { type Coturn, startCoturn } from "./coturn.ts";
import { startUdpRecorder, type UdpRecorder } from "./udp_recorder.ts";

const MARKER_SENDS = 25;

Deno.test("relay only: messages flow through a real coturn and the UI says Relay", async () => {
  const chain = await startTestChain();
  let turn: Coturn | undefined;
  let recorder: UdpRecorder | undefined;
  let app: TestAppServer | undefined;
  let browser: Browser | undefined;
  try {
    turn = await startCoturn();
    recorder = await startUdpRecorder(turn.port);
    app = await startAppServer(chain, {
      env: {
        MESH3_TURN_URLS: `turn:127.0.0.1:${recorder.port}?transport=udp`,
        MESH3_TURN_USERNAME: turn.username,
        MESH3_TURN_CREDENTIAL: turn.credential,
        MESH3_ICE_POLICY: "relay",
      },
    });
    browser = await launchChromium();
    const alice = await person(browser, chain, 9);
    const bob = await person(browser, chain, 10);
    const link = await createRoom(alice.page, app.url);
    await alice.page.goto(link);
    await alice.page.getByTestId("join-room").click();
    await joinRoom(bob.page, link);
    for (const p of [alice.page, bob.page]) {
      await p.locator('[data-testid="peer"][data-state="open"]').waitFor();
      const badge = p.getByTestId("path-badge");
      await badge.waitFor();
      assert.equal(await badge.getAttribute("data-path"), "relay");
      assert.equal(await badge.innerText(), "Relay");
    }
    await sendMessage(alice.page, "Through the relay, still end-to-end encrypted.");
    await theirMessage(bob.page, "Through the relay").waitFor();
    await shot(bob.page, "11-relay");

    // What the relay sees: a marker nobody could guess, sent many times, delivered every time.
    const marker = `MESH3-PLAINTEXT-MARKER-${crypto.randomUUID()}`;
    const composer = alice.page.getByTestId("composer");
    for (let i = 0; i < MARKER_SENDS; i++) {
      await composer.fill(`${marker} #${i}`);
      await composer.press("Enter");
    }
    await theirMessage(bob.page, `${marker} #${MARKER_SENDS - 1}`).waitFor();
    assert.equal(await theirMessage(bob.page, marker).count(), MARKER_SENDS);
    await alice.page.locator('[data-testid="message"][data-status="delivered"]').nth(
      MARKER_SENDS,
    ).waitFor();
    const seen = recorder.count(marker);
    // Control: the capture does see what TURN carries in clear (the STUN REALM attribute).
    const realm = recorder.count("mesh3");
    console.log(
      `relay capture: ${recorder.datagrams.length} datagrams, ${recorder.bytes()} bytes; ` +
        `plaintext marker found ${seen} times (sent ${MARKER_SENDS}); TURN realm in clear ${realm}`,
    );
    assert.ok(recorder.bytes() > 0);
    assert.ok(realm > 0, "the capture must see TURN's own cleartext");
    assert.equal(seen, 0);
  } finally {
    await browser?.close();
    await app?.stop();
    recorder?.close();
    await turn?.stop();
    await chain.stop();
  }
});
