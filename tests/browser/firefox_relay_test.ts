/**
 * Relay only, with Firefox on one side: the server hands out a real coturn with
 * `iceTransportPolicy: "relay"`; Chromium and Firefox connect through it (TURN over UDP on
 * 127.0.0.1, which Firefox uses only with `media.peerconnection.ice.loopback`), verify each other,
 * chat both ways, and both say "Relay". Every datagram between the browsers and coturn passes a
 * recording forwarder: a unique marker is delivered, yet never appears in what the relay saw.
 */
import assert from "node:assert/strict";
import { startTestChain } from "../../testing/chain.ts";
import {
  createRoom,
  joinRoom,
  person,
  sendMessage,
  shot,
  theirMessage,
  unexpected,
  waitForOpenPeer,
} from "./app_flow.ts";
import { startAppServer, type TestAppServer } from "./app_server.ts";
import { type Coturn, startCoturn } from "./coturn.ts";
import { launchTestBrowser } from "./test_browser.ts";
import type { TestBrowser } from "./test_page.ts";
import { countOccurrences, startUdpRecorder, type UdpRecorder } from "./udp_recorder.ts";

Deno.test("firefox relay only (TURN over udp): Chromium↔Firefox chat, ciphertext only", async () => {
  const chain = await startTestChain();
  let turn: Coturn | undefined;
  let udp: UdpRecorder | undefined;
  let app: TestAppServer | undefined;
  const browsers: TestBrowser[] = [];
  try {
    turn = await startCoturn();
    udp = await startUdpRecorder(turn.port);
    app = await startAppServer(chain, {
      env: {
        MESH3_TURN_URLS: `turn:127.0.0.1:${udp.port}?transport=udp`,
        MESH3_TURN_USERNAME: turn.username,
        MESH3_TURN_CREDENTIAL: turn.credential,
        MESH3_ICE_POLICY: "relay",
      },
    });
    browsers.push(
      ...await Promise.all([launchTestBrowser("chromium"), launchTestBrowser("firefox")]),
    );
    const [alice, bob] = await Promise.all([
      person(browsers[0], chain, 9),
      person(browsers[1], chain, 10),
    ]);
    const link = await createRoom(alice.page, app.url);
    await alice.page.goto(link);
    await alice.page.find("join-room").click();
    await joinRoom(bob.page, link);
    await waitForOpenPeer(alice.page, bob.page);
    for (const p of [alice.page, bob.page]) {
      const badge = p.find("path-badge");
      assert.equal(await badge.attribute("data-path"), "relay");
      assert.equal(await badge.text(), "Relay");
    }
    const marker = `MESH3-PLAINTEXT-MARKER-${crypto.randomUUID()}`;
    await sendMessage(alice.page, `${marker} from Chromium`);
    await theirMessage(bob.page, `${marker} from Chromium`).waitFor();
    await sendMessage(bob.page, `${marker} from Firefox`);
    await theirMessage(alice.page, `${marker} from Firefox`).waitFor();
    await shot(bob.page, "f06-firefox-relay");

    const seen = countOccurrences(udp.datagrams, marker);
    // Control: the capture does see what TURN carries in clear (the STUN REALM attribute).
    const realm = countOccurrences(udp.datagrams, "mesh3");
    console.log(
      `relay capture (udp, Chromium↔Firefox): ${udp.datagrams.length} datagrams, ` +
        `${udp.bytes()} bytes; plaintext marker found ${seen} times; TURN realm in clear ${realm} times`,
    );
    assert.ok(realm > 0, "the capture must see TURN's own cleartext");
    assert.equal(seen, 0);
    assert.deepEqual(unexpected(alice.problems), []);
    assert.deepEqual(unexpected(bob.problems), []);
  } finally {
    await Promise.all(browsers.map((b) => b.close()));
    await app?.stop();
    udp?.close();
    await turn?.stop();
    await chain.stop();
  }
});
