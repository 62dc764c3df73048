import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../tests/browser/chromium.ts";
import { chromiumMediaArgs } from "../tests/browser/test_browser.ts";
import { plainHooks, plainMeshMedia } from "./call_plain.ts";

Deno.test("plainMeshMedia: a plain 4-peer video mesh comes up, each page decoding 3 videos", async () => {
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
    for (let i = 0; i < 4; i++) {
      const context = await browser.newContext();
      await context.addInitScript(plainHooks);
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      await page.goto(`http://127.0.0.1:${server.addr.port}/`);
      pages.push(page);
    }
    // Before the fix the second connection's offer reached a page still opening its camera,
    // which was not listening yet: the mesh hung there.
    await plainMeshMedia(pages);
    for (const page of pages) {
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll("video")].filter((v) =>
            v.readyState >= 2 && v.videoWidth > 0
          )
            .length === 3,
        null,
        { timeout: 60_000 },
      );
      assert.equal(await page.locator("video").count(), 3);
    }
  } finally {
    await browser.close();
    await server.shutdown();
  }
});
