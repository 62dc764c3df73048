/**
 * The browser kit itself, in both browsers: one suite runs against the Playwright adapter
 * (Chromium) and the puppeteer adapter (Firefox) of {@linkcode TestPage} on a small page served
 * with the app's kind of CSP; the page watchers catch console errors, page errors and CSP
 * violations; Firefox with FIREFOX_PREFS looks up no host name but loopback ones; and where each
 * browser lets the client read the remote DTLS certificate in use (Firefox: no
 * `remoteCertificateId` in `getStats()`, `getRemoteCertificates()` instead).
 */
import assert from "node:assert/strict";
import { launchChromium } from "./chromium.ts";
import { launchFirefox } from "./firefox.ts";
import { bundleEntry, servePage } from "./harness.ts";
import { playwrightBrowser } from "./playwright_page.ts";
import { puppeteerBrowser } from "./puppeteer_page.ts";
import type { TestBrowser, TestPage } from "./test_page.ts";
import type { CertificateSources } from "./testdata/certificate_probe.ts";

const PROBE = new URL("./testdata/certificate_probe.ts", import.meta.url).pathname;

const HTML = `<!doctype html><html><head><meta charset="utf-8"><title>kit</title>
<script src="/kit.js"></script></head><body>
<button data-testid="later" disabled>Wait</button>
<p data-testid="out"></p>
<ul><li data-testid="item" data-kind="a">First
  Item</li><li data-testid="item" data-kind="b">second item</li></ul>
<input data-testid="name" value="old">
<input type="checkbox" data-testid="agree">
<textarea data-testid="keys"></textarea>
<p data-testid="hidden">hidden</p>
<p data-testid="doomed">removed by the click</p>
<script>console.log("inline scripts are refused by the CSP")</script>
</body></html>`;

/** The page's own script (allowed: same origin). */
const KIT_JS = `
const q = (id) => document.querySelector('[data-testid="' + id + '"]');
document.documentElement.dataset.sawInit = String(globalThis.__kitInit === true);
document.addEventListener("DOMContentLoaded", () => {
  q("hidden").style.visibility = "hidden";
  setTimeout(() => { q("later").disabled = false; q("later").textContent = "Go"; }, 800);
  q("later").addEventListener("click", () => {
    q("out").textContent = "clicked";
    q("doomed").remove();
  });
  const pressed = [];
  q("keys").addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return;
    pressed.push((e.shiftKey ? "Shift+" : "") + e.key);
    q("keys").dataset.pressed = pressed.join(",");
    if (!e.shiftKey) e.preventDefault();
  });
  console.error("kit: a console error on purpose");
  setTimeout(() => { throw new Error("kit: an uncaught error on purpose"); }, 0);
});`;

function serveKit() {
  const headers = {
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'",
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/kit.js") {
      return new Response(KIT_JS, { headers: { ...headers, "content-type": "text/javascript" } });
    }
    return new Response(HTML, { headers: { ...headers, "content-type": "text/html" } });
  });
  return { url: `http://127.0.0.1:${server.addr.port}/`, close: () => server.shutdown() };
}

/** The shared suite: every behaviour the app flows rely on, on an older page behind a newer one. */
async function kitSuite(browser: TestBrowser, url: string): Promise<void> {
  const page = await browser.newPage();
  const newer = await browser.newPage(); // opened later: in front of `page`
  try {
    await page.addInitScript("globalThis.__kitInit = true;");
    await page.exposeFunction("kitAdd", (a: number, b: number) => a + b);
    const problems = await page.watch();
    await page.goto(url);
    await newer.goto(url);
    // A click waits until the button is enabled (800 ms after load), then is real input.
    await page.find("later").click();
    assert.equal(await page.find("out").text(), "clicked");
    await page.find("doomed").waitFor({ state: "detached" });

    assert.equal(await page.evaluate(() => document.documentElement.dataset.sawInit, null), "true");
    // Each page is shown (its own window): a hidden tab's timers are throttled, and Firefox
    // would deliver input to it slowly.
    assert.equal(await page.evaluate(() => document.visibilityState, null), "visible");
    assert.equal(
      await page.evaluate((x) => (globalThis as unknown as Kit).kitAdd(x, 3), 2),
      5,
    );
    // Finding: attributes, text (case and whitespace insensitive), visibility.
    assert.equal(await page.find("item").count(), 2);
    assert.equal(await page.find("item", { hasText: "SECOND   item" }).count(), 1);
    assert.equal(await page.find("item", { attrs: { "data-kind": "a" } }).text(), "First Item");
    assert.equal(await page.find("item").attribute("data-kind"), "a");
    assert.equal(await page.find("item").attribute("data-missing"), null);
    assert.equal(await page.find("hidden").isVisible(), false);
    await assert.rejects(page.find("never").waitFor({ timeout: 300 }));

    await page.find("name").fill("new value");
    assert.equal(
      await page.evaluate(() => document.querySelector("input")!.value, null),
      "new value",
    );
    await page.find("agree").check();
    await page.find("agree").check();
    assert.equal(
      await page.evaluate(
        () => (document.querySelector('[data-testid="agree"]') as HTMLInputElement).checked,
        null,
      ),
      true,
    );
    const keys = page.find("keys");
    await keys.type("ab");
    await keys.press("Shift+Enter");
    await keys.type("c");
    await keys.press("Enter");
    assert.equal(
      await page.evaluate(() => document.querySelector("textarea")!.value, null),
      "ab\nc",
    );
    assert.equal(await keys.attribute("data-pressed"), "Shift+Enter,Enter");

    const dir = await Deno.makeTempDir();
    try {
      await page.screenshot(`${dir}/kit.png`);
      const png = await Deno.readFile(`${dir}/kit.png`);
      assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
    } finally {
      await Deno.remove(dir, { recursive: true });
    }

    // The watcher saw the three problems the page made on purpose.
    const seen = (re: RegExp) => problems.some((p) => re.test(p));
    assert.ok(seen(/^CSP violation: script-src/) || seen(/console: CSP violation: script-src/));
    assert.ok(seen(/^console: kit: a console error on purpose/), problems.join("\n"));
    assert.ok(seen(/^pageerror: .*kit: an uncaught error on purpose/), problems.join("\n"));
  } finally {
    await page.close();
    await newer.close();
  }
}

type Kit = { kitAdd(a: number, b: number): Promise<number> };

async function certificateSources(page: TestPage, url: string): Promise<CertificateSources> {
  await page.goto(url);
  return await page.evaluate(
    () =>
      (globalThis as unknown as { certificateProbe(): Promise<CertificateSources> })
        .certificateProbe(),
    null,
  );
}

Deno.test("browsers: one page kit for Chromium and Firefox, quiet Firefox, certificate sources", async (t) => {
  const kit = serveKit();
  const hostLog = `${await Deno.makeTempDir({ prefix: "mesh3-firefox-hosts-" })}/hosts.log`;
  const [probeScript, chromiumRaw, firefoxRaw] = await Promise.all([
    bundleEntry(PROBE),
    launchChromium(),
    launchFirefox({ hostLog }),
  ]);
  const probe = servePage(probeScript);
  const browsers = [playwrightBrowser(chromiumRaw), puppeteerBrowser(firefoxRaw)];
  try {
    for (const browser of browsers) {
      await t.step(`behavior: the page kit in ${browser.engine}`, () => kitSuite(browser, kit.url));
    }

    await t.step("behavior: where each browser shows the remote certificate in use", async () => {
      for (const browser of browsers) {
        const page = await browser.newPage();
        const s = await certificateSources(page, probe.url);
        console.log(`${browser.engine}: ${JSON.stringify({ ...s, committed: undefined })}`);
        await page.close();
        assert.equal(s.readable, true);
        assert.equal(s.path, "direct");
        // Whatever the source, the client names the committed certificate, and no other.
        assert.equal(s.inUse, s.committed);
        assert.equal(s.inUseOther, null);
        if (browser.engine === "chromium") {
          assert.equal(s.stats, s.committed);
        } else {
          // Firefox: no remoteCertificateId in getStats(); getRemoteCertificates() is the source.
          assert.equal(s.stats, null);
          assert.equal(s.digest, s.committed);
        }
      }
    });
  } finally {
    await Promise.all(browsers.map((b) => b.close()));
    await kit.close();
    await probe.close();
  }

  await t.step("behavior: Firefox looked up no host name but loopback ones", async () => {
    const dir = hostLog.slice(0, hostLog.lastIndexOf("/"));
    const hosts = new Set<string>();
    for await (const entry of Deno.readDir(dir)) {
      const text = await Deno.readTextFile(`${dir}/${entry.name}`);
      for (const m of text.matchAll(/Resolving host \[([^\]]*)\]/g)) hosts.add(m[1]);
    }
    await Deno.remove(dir, { recursive: true });
    assert.ok(hosts.has("127.0.0.1"), "the host log must show the lookups it makes");
    assert.deepEqual([...hosts].filter((h) => !["localhost", "127.0.0.1", "::1"].includes(h)), []);
  });
});
