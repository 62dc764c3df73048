/**
 * Relay only: the server hands out a real coturn with `iceTransportPolicy: "relay"`; the two
 * browsers still connect, verify and chat, and the UI says "Relay".
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { startTestChain } from "../../testing/chain.ts";
import { createRoom, joinRoom, person, sendMessage, shot, theirMessage } from "./app_flow.ts";
import { startAppServer, type TestAppServer } from "./app_server.ts";
import { launchChromium } from "./chromium.ts";
import { type Coturn, startCoturn } from "./coturn.ts";

Deno.test("relay only: messages flow through a real coturn and the UI says Relay", async () => {
  const chain = await startTestChain();
  let turn: Coturn | undefined;
  let app: TestAppServer | undefined;
  let browser: Browser | undefined;
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
  } finally {
    await browser?.close();
    await app?.stop();
    await turn?.stop();
    await chain.stop();
  }
});
