/**
 * Installable, and started offline, in real Chromium with a persistent profile (a browser context
 * made for a test is incognito, which is never installable): the manifest and the service worker
 * leave Chromium's installability check (`Page.getInstallabilityErrors` over CDP) with no error;
 * the service worker answers none of `/api`, `/ws` (not even a plain GET) and serves this build's
 * shell; with the server unreachable the home page still starts; after a new build at the same
 * origin the page runs the new bundle and the old build's cache is gone.
 */
import assert from "node:assert/strict";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { buildAssets } from "../../app/server/web/mod.ts";
import { startTestChain } from "../../testing/chain.ts";
import { startAppServer } from "./app_server.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./chromium.ts";

/** An origin on a fixed port in front of a server the test switches or takes away. */
function front(upstream: { url: string }) {
  const handler = async (req: Request) => {
    const url = new URL(req.url);
    const res = await fetch(upstream.url + url.pathname + url.search, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      redirect: "manual",
    });
    const headers = new Headers(res.headers);
    headers.delete("content-length");
    headers.delete("content-encoding");
    return new Response(res.body, { status: res.status, headers });
  };
  let server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    handler,
  );
  const port = server.addr.port;
  return {
    url: `http://127.0.0.1:${port}`,
    /** Closes the port: the browser's requests fail as if offline. */
    down: () => server.shutdown(),
    /** Listens again on the same port. */
    up: () => {
      server = Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, handler);
    },
    stop: () => server.shutdown(),
  };
}

/** Waits until the page's island hydrated. */
async function hydrated(page: Page): Promise<void> {
  await page.locator("mesh3-island[data-hydrated]").first().waitFor({ timeout: 30_000 });
}

/** The page's service worker controls it and has its cache ready. */
async function controlled(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
    timeout: 30_000,
  });
}

Deno.test("pwa: installable, /api and /ws not intercepted, offline start, no stale bundle after a new build", async (t) => {
  const chain = await startTestChain();
  const pin = { chainId: chain.chainId, registry: chain.registry };
  const a = await startAppServer(chain);
  const b = await startAppServer(chain, { assets: await buildAssets({ minify: false, pin }) });
  const upstream = { url: a.url };
  const site = front(upstream);
  const profile = await Deno.makeTempDir({ prefix: "mesh3-pwa-profile-" });
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS],
    });
    const page = context.pages()[0] ?? await context.newPage();

    await t.step("installable: no installability errors", async () => {
      await page.goto(`${site.url}/`);
      await hydrated(page);
      await controlled(page);
      const cdp = await context!.newCDPSession(page);
      const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
      assert.deepEqual(installabilityErrors, []);
      const manifest = await cdp.send("Page.getAppManifest");
      assert.equal(manifest.errors.length, 0, JSON.stringify(manifest.errors));
      // The control: a page of the same origin without the manifest link is not installable.
      const other = await context!.newPage();
      await other.goto(`${site.url}/api/health`);
      const otherCdp = await context!.newCDPSession(other);
      const refused = await otherCdp.send("Page.getInstallabilityErrors");
      assert.ok(refused.installabilityErrors.length > 0);
      await other.close();
      await cdp.detach();
    });

    await t.step(
      "/api and /ws are not intercepted; the shell is served by the worker",
      async () => {
        const seen = new Map<string, boolean>();
        const record = (r: import("playwright-core").Response) =>
          seen.set(new URL(r.url()).pathname, r.fromServiceWorker());
        page.on("response", record);
        const stylesheet = await page.locator('link[rel="stylesheet"]').getAttribute("href");
        await page.evaluate(async (css) => {
          for (const u of ["/api/health", "/ws", "/api/ice?room=0x00", css!]) {
            await (await fetch(u)).arrayBuffer();
          }
        }, stylesheet);
        page.off("response", record);
        assert.equal(seen.get("/api/health"), false);
        assert.equal(seen.get("/ws"), false);
        assert.equal(seen.get("/api/ice"), false);
        // The control: a file of the shell does come from the worker.
        assert.equal(seen.get(stylesheet!), true);
      },
    );

    await t.step("server unreachable: the home page still starts", async () => {
      await site.down();
      await page.reload();
      await hydrated(page);
      assert.match(await page.content(), /Nothing is stored\./);
      site.up();
    });

    await t.step(
      "a new build at the same origin: the new bundle runs, the old cache is gone",
      async () => {
        const oldScript = await page.locator('script[type="module"]').getAttribute("src");
        upstream.url = b.url;
        await page.reload();
        await hydrated(page);
        const newScript = await page.locator('script[type="module"]').getAttribute("src");
        assert.notEqual(newScript, oldScript);
        assert.ok(newScript!.startsWith("/static/build/islands-"));
        // The new worker takes over and deletes the old build's cache.
        const sw = await (await fetch(`${site.url}/sw.js`)).text();
        const version = JSON.parse(sw.slice(sw.indexOf("=") + 1, sw.indexOf(";\n"))).version;
        await page.waitForFunction(
          async (v) => JSON.stringify(await caches.keys()) === JSON.stringify([`mesh3-shell-${v}`]),
          version,
          { timeout: 30_000, polling: 200 },
        );
      },
    );
  } finally {
    await context?.close();
    await site.stop().catch(() => {});
    await b.stop();
    await a.stop();
    await chain.stop();
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
});
