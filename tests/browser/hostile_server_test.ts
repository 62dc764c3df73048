/**
 * A hostile signaling server (a relay in front of the real `/ws`) attacks the handshake after
 * the real server checked it (issue 6, item 4):
 * - swaps the public key or the DTLS fingerprint in offers, and in answers (both directions);
 * - replays a peer's old description, carrying its old committed keys, after it re-committed;
 * - splices its own WebRTC endpoint into the path (mitm_peer.ts): the offerer gets an answer with
 *   the real peer's committed key and fingerprint but the attacker's ICE credentials, so ICE
 *   reaches the attacker, which tries to terminate DTLS with its own certificate.
 * Every time the browser that receives the forgery refuses and says why; the other one never
 * opens either and says it could not connect; no DataChannel opens, nothing is sent. A server that
 * only loses every answer to the offerer's first connection cannot keep the pair apart: the link
 * fails, is made again on a new connection (room_links.ts, link_retries.ts), and opens.
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import type { Hex } from "viem";
import { startTestChain, type TestChain } from "../../testing/chain.ts";
import {
  asTestPage,
  createRoom,
  joinRoom,
  person,
  sendMessage,
  shot,
  theirMessage,
  waitForOpenPeer,
} from "./app_flow.ts";
import { rtcTrace } from "./rtc_trace.ts";
import { startAppServer, type TestAppServer } from "./app_server.ts";
import { launchChromium } from "./chromium.ts";
import { startMitmPeer } from "./mitm_peer.ts";
import { assertNothingOpen, type Attack, hostile, refusal } from "./hostile_signaling.ts";

interface Pair {
  a: Page;
  b: Page;
  /** The page whose address is lower: it offers. */
  offerer: Page;
  roomId: Hex;
}

/** A creates a room and waits in it; the attack is armed; B joins. */
async function meet(
  browser: Browser,
  chain: TestChain,
  app: TestAppServer,
  accounts: [number, number],
  arm: (roomId: Hex) => void,
): Promise<Pair> {
  const a = await person(browser, chain, accounts[0]);
  const b = await person(browser, chain, accounts[1]);
  const link = await createRoom(a.page, app.url);
  const roomId = link.split("/room/")[1].toLowerCase() as Hex;
  arm(roomId);
  await a.page.goto(link);
  await a.page.getByTestId("join-room").click();
  await a.page.locator('[data-testid="session-steps"][data-step="ready"]').waitFor();
  await joinRoom(b.page, link);
  const offerer = a.address.toLowerCase() < b.address.toLowerCase() ? a.page : b.page;
  return { a: a.page, b: b.page, offerer, roomId };
}

Deno.test("hostile server: forged, replayed and spliced descriptions are refused", async (t) => {
  const chain = await startTestChain();
  const attacks = new Map<string, Attack>();
  let app: TestAppServer | undefined;
  let browser: Browser | undefined;
  /** Browsers that were not sent the forgery: they must end up saying they could not connect. */
  const waiting: Page[] = [];
  try {
    app = await startAppServer(chain, { tamper: hostile(attacks) });
    browser = await launchChromium();
    const swaps: [Attack & { kind: "swap" }, [number, number], string][] = [
      [{ kind: "swap", on: "offer", swap: "key" }, [1, 2], "09-refused-swapped-key"],
      [
        { kind: "swap", on: "offer", swap: "fingerprint" },
        [3, 4],
        "10-refused-swapped-fingerprint",
      ],
      [{ kind: "swap", on: "answer", swap: "key" }, [5, 6], "10b-refused-swapped-answer-key"],
      [{ kind: "swap", on: "answer", swap: "fingerprint" }, [7, 8], "10c-refused-answer-fp"],
    ];
    for (const [attack, accounts, name] of swaps) {
      await t.step(`swapped ${attack.swap} in the ${attack.on}: refused, says why`, async () => {
        const pair = await meet(browser!, chain, app!, accounts, (id) => attacks.set(id, attack));
        const { page, text } = await refusal([pair.a, pair.b]);
        assert.match(text, /do not match its on-chain commitment/);
        // The forged description was the offer: the answerer refused it, and the other way.
        assert.equal(page === pair.offerer, attack.on === "answer");
        await page.locator('[data-testid="peer"][data-state="refused"]').waitFor();
        await assertNothingOpen([pair.a, pair.b]);
        await shot(page, name);
        waiting.push(page === pair.a ? pair.b : pair.a);
      });
    }

    await t.step("a dropped offer is sent again and the pair still connects", async () => {
      const attack = { kind: "drop-first-offer" as const, dropped: 0 };
      const pair = await meet(browser!, chain, app!, [13, 14], (id) => attacks.set(id, attack));
      await waitForOpenPeer(pair.a, pair.b);
      assert.equal(attack.dropped, 1);
      await sendMessage(pair.b, "Connected despite the lost offer.");
      await theirMessage(pair.a, "Connected despite the lost offer.").waitFor();
      await pair.a.context().close();
      await pair.b.context().close();
    });

    await t.step(
      "a link whose answers are all lost is made again on a new connection, which opens",
      async () => {
        const attack = {
          kind: "drop-first-connection" as const,
          sessions: new Set<string>(),
          dropped: 0,
        };
        const pair = await meet(browser!, chain, app!, [15, 16], (id) => attacks.set(id, attack));
        // The first link fails after 30 s, says so, and the offerer makes a new connection
        // (a page that does not open within 60 s shows its cards and connection trace).
        await waitForOpenPeer(pair.a, pair.b);
        assert.equal(attack.sessions.size, 2, "the offerer's second connection made the link");
        assert.ok(attack.dropped >= 1);
        const trace = (await rtcTrace(asTestPage(pair.offerer))).join("\n");
        assert.ok((trace.match(/ made$/gm) ?? []).length >= 2, `two connections made:\n${trace}`);
        assert.match(trace, / closed$/m, "the first one closed");
        await sendMessage(pair.a, "Connected on the second try.");
        await theirMessage(pair.b, "Connected on the second try.").waitFor();
        // The "could not connect" notice was taken back once the new link opened.
        const failed = pair.offerer.locator('[data-testid="banner"]').filter({
          hasText: "Could not connect to the peer",
        });
        await failed.waitFor({ state: "detached" });
        await pair.a.context().close();
        await pair.b.context().close();
      },
    );

    await t.step("an old description replayed after the peer re-committed is refused", async () => {
      const pair = await meet(browser!, chain, app!, [9, 10], () => {});
      await waitForOpenPeer(pair.a, pair.b);
      await sendMessage(pair.a, "First session.");
      await theirMessage(pair.b, "First session.").waitFor();
      // B starts a new session (new keys, new on-chain commitment); the server replays B's
      // descriptions of the first session, whose keys matched B's old commitment.
      await pair.b.getByTestId("leave").click();
      attacks.set(pair.roomId, { kind: "replay" });
      await pair.b.getByTestId("join-room").click();
      const { page, text } = await refusal([pair.a, pair.b]);
      assert.equal(page, pair.a);
      assert.match(text, /do not match its on-chain commitment/);
      assert.equal(await pair.a.locator('[data-testid="peer"][data-state="open"]').count(), 0);
      assert.equal(await pair.b.locator('[data-testid="peer"][data-state="open"]').count(), 0);
      await shot(page, "10d-refused-replayed-offer");
      waiting.push(pair.b);
    });

    await t.step("an attacker's endpoint spliced into the path cannot finish DTLS", async () => {
      const peer = await startMitmPeer(browser!);
      try {
        const pair = await meet(
          browser!,
          chain,
          app!,
          [11, 12],
          (id) => attacks.set(id, { kind: "mitm", peer }),
        );
        const { page, text } = await refusal([pair.a, pair.b]);
        assert.equal(page, pair.offerer);
        assert.match(text, /DTLS certificate on the network path is not the one the peer/);
        await page.locator('[data-testid="peer"][data-state="refused"]').waitFor();
        await assertNothingOpen([pair.a, pair.b]);
        const seen = await peer.report();
        console.log(`mitm endpoint: ${JSON.stringify(seen)}`);
        assert.equal(seen.channelOpened, false);
        assert.equal(seen.messages, 0);
        await shot(page, "10e-refused-mitm-dtls");
        waiting.push(page === pair.a ? pair.b : pair.a);
      } finally {
        await peer.close();
      }
    });

    await t.step("the browsers that got no forgery say they could not connect", async () => {
      for (const p of waiting) {
        const banner = p.locator('[data-testid="banner"]').filter({
          hasText: "Could not connect to the peer",
        });
        await banner.waitFor({ timeout: 45_000 });
        await assertNothingOpen([p]);
      }
      await shot(waiting[0], "10f-no-verified-peer");
    });
  } finally {
    await browser?.close();
    await app?.stop();
    await chain.stop();
  }
});
