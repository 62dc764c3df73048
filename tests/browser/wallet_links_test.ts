/**
 * "Open in wallet" links in real Chromium on the real app: on a phone (mobile user agent, touch)
 * without a browser wallet, the wallet card offers MetaMask, Coinbase Wallet and Trust Wallet
 * links to the page being looked at, the room link's `#members=` part included; on a desktop
 * without a wallet, and on a phone with a wallet in the page, it offers none.
 */
import assert from "node:assert/strict";
import type { BrowserContextOptions, Page } from "playwright-core";
import { walletLinks } from "../../app/client/wallet_links.ts";
import { createRoom } from "../../testing/server.ts";
import { withChromiumApp } from "./chromium_bed.ts";
import { installTestWallet } from "./eip1193_provider.ts";

const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  userAgent:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
};

/** The hrefs of the offered wallet links once the wallet card has hydrated. */
async function offered(page: Page): Promise<string[]> {
  await page.locator("mesh3-island[data-hydrated]").first().waitFor();
  return await page.getByTestId("wallet-link").evaluateAll((els) =>
    els.map((a) => (a as HTMLAnchorElement).href)
  );
}

Deno.test("wallet links: offered on a phone without a wallet, for the page looked at; not on desktop, not with a wallet", async (t) => {
  await withChromiumApp(async ({ chain, app, browser }) => {
    await t.step("phone without a wallet: three links to this page", async () => {
      const context = await browser.newContext(PHONE);
      const page = await context.newPage();
      await page.goto(`${app.url}/`);
      await page.getByTestId("open-in-wallet").waitFor();
      assert.deepEqual(await offered(page), walletLinks(`${app.url}/`).map((l) => l.href));
      // A room link with its member list: the links carry it whole.
      const room = `${app.url}/room/${await createRoom(chain, 1)}#members=v1.AbC`;
      await page.goto(room);
      await page.getByTestId("open-in-wallet").waitFor();
      const hrefs = await offered(page);
      assert.deepEqual(hrefs, walletLinks(room).map((l) => l.href));
      assert.ok(
        hrefs.every((h) => decodeURIComponent(h).includes("#members=v1.AbC")),
        hrefs.join(),
      );
      await context.close();
    });

    await t.step("desktop without a wallet: none", async () => {
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${app.url}/`);
      await page.getByTestId("no-wallet").waitFor();
      assert.deepEqual(await offered(page), []);
      await context.close();
    });

    await t.step("phone with a wallet in the page: none", async () => {
      const context = await browser.newContext(PHONE);
      await installTestWallet(context, {
        privateKey: chain.accounts[1],
        rpcUrl: chain.rpcUrl,
        chainId: chain.chainId,
      });
      const page = await context.newPage();
      await page.goto(`${app.url}/`);
      await page.getByTestId("wallet-option").first().waitFor();
      await page.getByTestId("open-in-wallet").waitFor({ state: "detached" });
      assert.deepEqual(await offered(page), []);
      await context.close();
    });
  });
});
