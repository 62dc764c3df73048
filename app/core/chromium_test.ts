/**
 * The core in a real browser: bundles it (`deno bundle --platform=browser`), loads it into
 * headless Chromium, and recomputes every published vector there with Chromium's WebCrypto, plus
 * a handshake and a refused tampered frame (the suite is testing/vectors/browser_suite.ts, shared with
 * firefox_test.ts). The page is served by Playwright's request interception on http://localhost
 * (a secure context): no socket is opened.
 */
import assert from "node:assert/strict";
import { launchChromium } from "../../tests/browser/chromium.ts";
import { bundleCore, recomputeCoreInBrowser } from "../../testing/vectors/browser_suite.ts";

Deno.test("core in Chromium: vectors and handshake agree with Deno", async (t) => {
  const script = await bundleCore();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.route(
      "http://localhost/**",
      (route) =>
        route.fulfill({ contentType: "text/html", body: "<!doctype html><title>core</title>" }),
    );
    await page.goto("http://localhost/core");
    await page.addScriptTag({ content: script, type: "module" });
    await page.waitForFunction(() => "mesh3Core" in globalThis);
    await recomputeCoreInBrowser(t, (name, input) =>
      page.evaluate(
        // deno-lint-ignore no-explicit-any
        ([n, i]) => (globalThis as any).mesh3Core[n](i),
        [name, input] as const,
      ));
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
