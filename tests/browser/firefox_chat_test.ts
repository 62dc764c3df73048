/**
 * The whole product across browsers: the real server, a real chain, real wallets, and people in
 * Chromium (Playwright) and Firefox (puppeteer over WebDriver BiDi) driven by the same flow
 * (app_flow.ts). Chromium↔Firefox in full, Firefox↔Firefox in short, and a hostile server
 * against Firefox: a forged offer refused by Firefox, and an attacker's endpoint spliced into
 * Firefox's path that cannot finish DTLS (Firefox reads no remote certificate from `getStats()`).
 * One Chromium and one Firefox for the whole file; screenshots of Firefox's states go to
 * test-results/.
 *
 * Every frame passes a hostile relay in front of `/ws` (hostile_signaling.ts); it changes only
 * the frames of rooms the hostile steps arm.
 */
import assert from "node:assert/strict";
import { privateKeyToAccount } from "viem/accounts";
import { startTestChain, type TestChain } from "../../testing/chain.ts";
import {
  createRoom,
  joinRoom,
  type Person,
  person,
  RESULTS,
  sendMessage,
  shot,
  theirMessage,
  unexpected,
  waitForOpenPeer,
  waitForSession,
} from "./app_flow.ts";
import { startAppServer, type TestAppServer } from "./app_server.ts";
import { launchChromium } from "./chromium.ts";
import { assertNothingOpen, type Attack, hostile, refusal } from "./hostile_signaling.ts";
import { startMitmPeer } from "./mitm_peer.ts";
import { playwrightBrowser } from "./playwright_page.ts";
import { launchTestBrowser } from "./test_browser.ts";
import type { TestBrowser, TestPage } from "./test_page.ts";

/** A creates a room and waits in it; B joins it. Returns the room link. */
async function meet(
  app: TestAppServer,
  a: Person<TestPage>,
  b: Person<TestPage>,
  arm: (roomId: string) => void = () => {},
): Promise<string> {
  const link = await createRoom(a.page, app.url);
  arm(link.split("/room/")[1].toLowerCase());
  await a.page.goto(link);
  await a.page.find("join-room").click();
  await waitForSession(a.page);
  await joinRoom(b.page, link);
  return link;
}

/** Firefox's page refuses, says why, shows the peer refused; nothing opens on either side. */
async function refusedByFirefox(pages: TestPage[], reason: RegExp, name: string): Promise<void> {
  const { page, text } = await refusal(pages);
  assert.equal(page.engine, "firefox");
  assert.match(text, reason);
  await page.find("peer", { attrs: { "data-state": "refused" } }).waitFor();
  await assertNothingOpen(pages);
  await shot(page, name);
}

async function safetyNumbers(...pages: TestPage[]): Promise<string[]> {
  return await Promise.all(pages.map((p) => p.find("safety-number").text()));
}

/** Two funded accounts ordered so that the first has the lower address (the offerer). */
function byAddress(chain: TestChain, i: number, j: number): [number, number] {
  const address = (k: number) => privateKeyToAccount(chain.accounts[k]).address.toLowerCase();
  return address(i) < address(j) ? [i, j] : [j, i];
}

Deno.test("firefox: Chromium↔Firefox and Firefox↔Firefox chat, hostile server refused", async (t) => {
  await Deno.mkdir(RESULTS, { recursive: true });
  const chain = await startTestChain();
  const attacks = new Map<string, Attack>();
  let app: TestAppServer | undefined;
  let chromiumRaw: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let firefox: TestBrowser | undefined;
  try {
    app = await startAppServer(chain, { tamper: hostile(attacks) });
    [chromiumRaw, firefox] = await Promise.all([
      launchChromium(),
      launchTestBrowser("firefox"),
    ]);
    const chromium = playwrightBrowser(chromiumRaw);

    await t.step("Chromium creates, Firefox joins: verified, chat both ways", async () => {
      const [alice, bob] = await Promise.all([
        person(chromium, chain, 1),
        person(firefox!, chain, 2),
      ]);
      await bob.page.goto(app!.url);
      await bob.page.find("wallet-option").waitFor();
      await shot(bob.page, "f01-firefox-home");
      await meet(app!, alice, bob);
      await waitForOpenPeer(alice.page, bob.page);
      const [sa, sb] = await safetyNumbers(alice.page, bob.page);
      assert.match(sa.replace(/\s+/g, " ").trim(), /^(\d{5} ){11}\d{5}$/);
      assert.equal(sa, sb);
      for (const p of [alice.page, bob.page]) {
        const badge = p.find("path-badge");
        assert.equal(await badge.attribute("data-path"), "direct");
        assert.equal(await badge.text(), "Direct");
      }
      await sendMessage(alice.page, "Hello Firefox, this is Chromium.");
      await theirMessage(bob.page, "Hello Firefox").waitFor();
      await sendMessage(bob.page, "Hi Chromium!\nFirefox here.");
      const got = theirMessage(alice.page, "Firefox here.");
      await got.waitFor();
      assert.match(await got.text(), /Hi Chromium!\nFirefox here\./);
      await bob.page.find("message", { attrs: { "data-status": "delivered" } }).waitFor();
      await shot(bob.page, "f02-firefox-chat-with-chromium");
      await bob.page.setViewport(390, 844);
      // On a phone the Send button stays inside the chat card (Firefox gives a textarea a wider
      // minimum width than Chromium: without min-w-0 it pushed Send over the card's edge).
      const overflow = await bob.page.evaluate(() => {
        const send = document.querySelector('[data-testid="send"]')!.getBoundingClientRect();
        const form = document.querySelector('[data-testid="send"]')!.closest("form")!;
        return Math.round(send.right - form.getBoundingClientRect().right);
      }, null);
      assert.ok(overflow <= 0, `Send sticks out of the chat card by ${overflow} px`);
      await shot(bob.page, "f02b-firefox-chat-mobile");
      assert.deepEqual(unexpected(alice.problems), []);
      assert.deepEqual(unexpected(bob.problems), []);
      await alice.page.close();
      await bob.page.close();
    });

    await t.step("two Firefoxes: verified, chat both ways", async () => {
      const [carol, dave] = await Promise.all([
        person(firefox!, chain, 3),
        person(firefox!, chain, 4),
      ]);
      await meet(app!, carol, dave);
      await waitForOpenPeer(carol.page, dave.page);
      const [sc, sd] = await safetyNumbers(carol.page, dave.page);
      assert.equal(sc, sd);
      assert.equal(await carol.page.find("path-badge").attribute("data-path"), "direct");
      await sendMessage(carol.page, "Firefox to Firefox.");
      await theirMessage(dave.page, "Firefox to Firefox.").waitFor();
      await sendMessage(dave.page, "And back.");
      await theirMessage(carol.page, "And back.").waitFor();
      await shot(dave.page, "f03-firefox-firefox-chat");
      assert.deepEqual(unexpected(carol.problems), []);
      assert.deepEqual(unexpected(dave.problems), []);
      await carol.page.close();
      await dave.page.close();
    });

    await t.step(
      "hostile server: Firefox refuses an offer with a swapped fingerprint",
      async () => {
        // Firefox answers (the higher address), so the forged offer is Firefox's to check.
        const [low, high] = byAddress(chain, 5, 6);
        const [a, b] = await Promise.all([
          person(chromium, chain, low),
          person(firefox!, chain, high),
        ]);
        const attack: Attack = { kind: "swap", on: "offer", swap: "fingerprint" };
        await meet(app!, a, b, (id) => attacks.set(id, attack));
        await refusedByFirefox(
          [a.page, b.page],
          /do not match its on-chain commitment/,
          "f04-firefox-refused-swapped-fingerprint",
        );
        await a.page.close();
        await b.page.close();
      },
    );

    await t.step(
      "an attacker's endpoint spliced into Firefox's path cannot finish DTLS",
      async () => {
        // Firefox offers (the lower address): its ICE reaches the attacker, whose DTLS certificate
        // is not the committed one in the (real) answer.
        const [low, high] = byAddress(chain, 7, 8);
        const peer = await startMitmPeer(chromiumRaw!);
        try {
          const [a, b] = await Promise.all([
            person(firefox!, chain, low),
            person(chromium, chain, high),
          ]);
          await meet(app!, a, b, (id) => attacks.set(id, { kind: "mitm", peer }));
          await refusedByFirefox(
            [a.page, b.page],
            /DTLS certificate on the network path is not the one the peer/,
            "f05-firefox-refused-mitm-dtls",
          );
          const seen = await peer.report();
          console.log(`mitm endpoint against Firefox: ${JSON.stringify(seen)}`);
          assert.equal(seen.channelOpened, false);
          assert.equal(seen.messages, 0);
          await a.page.close();
          await b.page.close();
        } finally {
          await peer.close();
        }
      },
    );
  } finally {
    await firefox?.close();
    await chromiumRaw?.close();
    await app?.stop();
    await chain.stop();
  }
});
