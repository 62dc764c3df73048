/**
 * A hostile signaling server (a relay in front of the real `/ws`) swaps the public key or the
 * DTLS fingerprint inside offers after the real server checked them. The receiving browser
 * verifies against the chain itself, refuses to connect, and says why.
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { startTestChain } from "../../testing/chain.ts";
import { createRoom, joinRoom, person, shot } from "./app_flow.ts";
import { startAppServer, type TestAppServer } from "./app_server.ts";
import { launchChromium } from "./chromium.ts";
import { encodeBase64Url } from "../../app/core/wire.ts";

type Mode = "none" | "key" | "fingerprint";

function tamperWith(mode: () => Mode) {
  return (frame: string): string => {
    const m = JSON.parse(frame);
    if (m.type !== "offer" || mode() === "none") return frame;
    if (mode() === "key") {
      const length = m.publicKey.length > 43 ? 65 : 32;
      const fake = crypto.getRandomValues(new Uint8Array(length));
      if (length === 65) fake[0] = 4;
      m.publicKey = encodeBase64Url(fake);
    } else {
      const fp = Array.from({ length: 32 }, () => "5A").join(":");
      m.sdp = m.sdp.replace(/a=fingerprint:sha-256 \S+/g, `a=fingerprint:sha-256 ${fp}`);
    }
    return JSON.stringify(m);
  };
}

/** Waits until one of the pages shows a refusal banner; returns that page and its text. */
async function refusal(pages: Page[]): Promise<{ page: Page; text: string }> {
  const banner = (p: Page) =>
    p.locator('[data-testid="banner"]').filter({ hasText: "Refused the peer's connection" });
  for (let i = 0; i < 300; i++) {
    for (const p of pages) {
      if (await banner(p).count() > 0) return { page: p, text: await banner(p).innerText() };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("No browser refused the tampered offer");
}

Deno.test("hostile server: a swapped key or fingerprint is refused by the browser", async (t) => {
  const chain = await startTestChain();
  let mode: Mode = "none";
  let app: TestAppServer | undefined;
  let browser: Browser | undefined;
  try {
    app = await startAppServer(chain, { tamper: tamperWith(() => mode) });
    browser = await launchChromium();
    const cases: [Mode, number, string][] = [
      ["key", 5, "09-refused-swapped-key"],
      ["fingerprint", 7, "10-refused-swapped-fingerprint"],
    ];
    for (const [m, account, name] of cases) {
      await t.step(`swapped ${m}: the receiving browser refuses and says why`, async () => {
        mode = m;
        const a = await person(browser!, chain, account);
        const b = await person(browser!, chain, account + 1);
        const link = await createRoom(a.page, app!.url);
        await a.page.goto(link);
        await a.page.getByTestId("join-room").click();
        await a.page.locator('[data-testid="session-steps"][data-step="ready"]').waitFor();
        await joinRoom(b.page, link);
        const { page, text } = await refusal([a.page, b.page]);
        assert.match(text, /do not match its on-chain commitment/);
        await page.locator('[data-testid="peer"][data-state="refused"]').waitFor();
        for (const p of [a.page, b.page]) {
          assert.equal(await p.locator('[data-testid="peer"][data-state="open"]').count(), 0);
          const composer = p.getByTestId("composer");
          assert.ok((await composer.count()) === 0 || await composer.isDisabled());
        }
        await shot(page, name);
        await a.page.context().close();
        await b.page.context().close();
      });
    }
  } finally {
    await browser?.close();
    await app?.stop();
    await chain.stop();
  }
});
