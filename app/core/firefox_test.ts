/**
 * The core in Firefox: the same suite as chromium_test.ts (testing/vectors/browser_suite.ts) in headless
 * Firefox (Debian's firefox-esr, driven over WebDriver BiDi): every published vector recomputed
 * with Firefox's WebCrypto, plus a handshake and a refused tampered frame. The bundle is served
 * on 127.0.0.1 (a secure context).
 */
import assert from "node:assert/strict";
import { launchFirefox, watchFirefoxPage } from "../../tests/browser/firefox.ts";
import { servePage } from "../../tests/browser/harness.ts";
import { bundleCore, recomputeCoreInBrowser } from "../../testing/vectors/browser_suite.ts";

Deno.test("core in Firefox: vectors and handshake agree with Deno", async (t) => {
  const [script, browser] = await Promise.all([bundleCore(), launchFirefox()]);
  const server = servePage(script);
  try {
    const page = await browser.newPage();
    const problems = await watchFirefoxPage(page);
    await page.goto(server.url);
    await page.waitForFunction(() => "mesh3Core" in globalThis, { timeout: 30_000 });
    await recomputeCoreInBrowser(t, (name, input) =>
      page.evaluate(
        // deno-lint-ignore no-explicit-any
        (n, i) => (globalThis as any).mesh3Core[n](i),
        name,
        input,
      ));
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
