import assert from "node:assert/strict";
import { chromium, type Page } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../tests/browser/chromium.ts";
import { chromiumMediaArgs } from "../tests/browser/test_browser.ts";
import { plainConnect, plainHooks, plainMeshMedia } from "./call_plain.ts";

/** `n` plain pages, each in its own context of one fresh browser, on a blank loopback page. */
async function withPlainPages(n: number, f: (pages: Page[]) => Promise<void>): Promise<void> {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () =>
      new Response("<!doctype html><title>plain</title>", {
        headers: { "content-type": "text/html" },
      }),
  );
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...chromiumMediaArgs("fake")],
  });
  try {
    const pages = [];
    for (let i = 0; i < n; i++) {
      const context = await browser.newContext();
      await context.addInitScript(plainHooks);
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      await page.goto(`http://127.0.0.1:${server.addr.port}/`);
      pages.push(page);
    }
    await f(pages);
  } finally {
    await browser.close();
    await server.shutdown();
  }
}

Deno.test("plainMeshMedia: a plain 4-peer video mesh comes up, each page decoding 3 videos", async () => {
  await withPlainPages(4, async (pages) => {
    // Before the fix the second connection's offer reached a page still opening its camera,
    // which was not listening yet: the mesh hung there.
    await plainMeshMedia(pages);
    for (const page of pages) {
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll("video")].filter((v) =>
            v.readyState >= 2 && v.videoWidth > 0
          ).length === 3,
        null,
        { timeout: 60_000 },
      );
      assert.equal(await page.locator("video").count(), 3);
    }
  });
});

Deno.test("plain call: an offer that arrives before the answering page listens is answered", async () => {
  await withPlainPages(2, async ([a, b]) => {
    await plainConnect(a, b, "ab");
    type Plain = { media(n: string, offering: boolean): Promise<void> };
    // The offering page sends its offer; the other page has not asked for it yet.
    const offered = a.evaluate(() =>
      (globalThis as unknown as { plain: Plain }).plain.media("ab", true)
    );
    await b.waitForFunction(() =>
      (globalThis as unknown as { plainUnread(n: string): number }).plainUnread("ab") > 0
    );
    // Before, the offer went to a listener that did not exist yet and was lost: this hung.
    await b.evaluate(() => (globalThis as unknown as { plain: Plain }).plain.media("ab", false));
    await offered;
    await b.waitForFunction(() =>
      [...document.querySelectorAll("video")].some((v) => v.readyState >= 2 && v.videoWidth > 0)
    );
  });
});
