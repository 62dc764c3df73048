/**
 * Relay only: the server hands out a real coturn with `iceTransportPolicy: "relay"`; the two
 * browsers still connect, verify and chat, and the UI says "Relay". Every byte between the
 * browsers and coturn passes a recording forwarder (udp_recorder.ts for TURN over UDP, the TCP
 * proxy for TURN over TCP): a unique marker sent many times is delivered, yet never appears in
 * anything the relay saw (issue 6, item 4).
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { startTestChain } from "../../testing/chain.ts";
import {
  createRoom,
  joinRoom,
  person,
  sendMessage,
  shot,
  theirMessage,
  waitForOpenPeer,
} from "./app_flow.ts";
import { startAppServer, type TestAppServer } from "./app_server.ts";
import { launchChromium } from "./chromium.ts";
import { type Coturn, startCoturn } from "./coturn.ts";
import { startTcpProxy, type TcpProxy } from "./tcp_proxy.ts";
import { countOccurrences, startUdpRecorder, type UdpRecorder } from "./udp_recorder.ts";

const MARKER_SENDS = 25;

for (const transport of ["udp", "tcp"] as const) {
  Deno.test(`relay only (TURN over ${transport}): messages flow, the relay sees ciphertext only`, async () => {
    const chain = await startTestChain();
    let turn: Coturn | undefined;
    let udp: UdpRecorder | undefined;
    let tcp: TcpProxy | undefined;
    const tcpChunks: Uint8Array[] = [];
    let app: TestAppServer | undefined;
    let browser: Browser | undefined;
    try {
      turn = await startCoturn();
      let port: number;
      if (transport === "udp") {
        udp = await startUdpRecorder(turn.port);
        port = udp.port;
      } else {
        tcp = startTcpProxy(turn.port, (c) => tcpChunks.push(new Uint8Array(c)));
        port = tcp.port;
      }
      app = await startAppServer(chain, {
        env: {
          MESH3_TURN_URLS: `turn:127.0.0.1:${port}?transport=${transport}`,
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
      await waitForOpenPeer(alice.page, bob.page);
      for (const p of [alice.page, bob.page]) {
        const badge = p.getByTestId("path-badge");
        await badge.waitFor();
        assert.equal(await badge.getAttribute("data-path"), "relay");
        assert.equal(await badge.innerText(), "Relay");
      }
      await sendMessage(alice.page, "Through the relay, still end-to-end encrypted.");
      await theirMessage(bob.page, "Through the relay").waitFor();
      if (transport === "udp") await shot(bob.page, "11-relay");

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
      const chunks = udp ? udp.datagrams : tcpChunks;
      const bytes = udp ? udp.bytes() : tcpChunks.reduce((n, c) => n + c.length, 0);
      const seen = countOccurrences(chunks, marker);
      // Control: the capture does see what TURN carries in clear (the STUN REALM attribute).
      const realm = countOccurrences(chunks, "mesh3");
      console.log(
        `relay capture (${transport}): ${chunks.length} ${udp ? "datagrams" : "segments"}, ` +
          `${bytes} bytes; plaintext marker found ${seen} times (sent ${MARKER_SENDS}); ` +
          `TURN realm in clear ${realm} times`,
      );
      assert.ok(bytes > 0);
      assert.ok(realm > 0, "the capture must see TURN's own cleartext");
      assert.equal(seen, 0);
    } finally {
      await browser?.close();
      await app?.stop();
      udp?.close();
      tcp?.close();
      await turn?.stop();
      await chain.stop();
    }
  });
}
