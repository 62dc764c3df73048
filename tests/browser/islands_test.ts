/**
 * The islands mechanism in real headless Chromium, under the real Content-Security-Policy:
 * fixture islands hydrate, share one signal, keep their slot, survive hostile prop text, and
 * react to clicks; the app's real pages hydrate with no console error or CSP violation.
 */
import assert from "node:assert/strict";
import { h } from "preact";
import { signal } from "@preact/signals";
import { Hono } from "hono";
import type { Hex } from "viem";
import { pages } from "../../app/pages.ts";
import { buildAssets, renderPage, securityHeaders, webApp } from "../../app/server/web/mod.ts";
import { pwaFiles } from "../../app/server/web/pwa.ts";
import { staticFiles } from "../../app/server/web/static_files.ts";
import type { RoomInfo } from "../../app/chain/room.ts";
import Counter from "../../app/server/web/testdata/islands/Counter.tsx";
import Echo from "../../app/server/web/testdata/islands/Echo.tsx";
import { launchChromium, watchPage } from "./chromium.ts";

const FIXTURE_ISLANDS = new URL("../../app/server/web/testdata/islands/", import.meta.url).pathname;
const RESULTS = new URL("../../test-results/", import.meta.url).pathname;
const HOSTILE = `</script><script>alert(1)</script><!-- "'&`;

const publicConfig = {
  chainId: 31337,
  chainName: "Local development chain",
  rpcUrl: "http://127.0.0.1:8545",
  registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Hex,
  localDevChain: true,
};
const ROOM_ID = `0x${"3c".repeat(32)}` as Hex;
const room: RoomInfo = {
  roomId: ROOM_ID,
  creator: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  membersRoot: `0x${"ab".repeat(32)}`,
  expiresAt: 1798761600n,
  closed: false,
  membersOnly: true,
};

/** A page made only of fixture islands, served with the real static and header middleware. */
async function fixtureApp(): Promise<Hono> {
  const assets = await buildAssets({ islandsDir: FIXTURE_ISLANDS });
  const app = new Hono();
  app.use(securityHeaders({ rpcUrl: publicConfig.rpcUrl }));
  app.use("/static/*", staticFiles(assets));
  app.use(pwaFiles(assets)); // The bundle entry registers the service worker, /sw.js.
  app.get("/", (c) => {
    const count = signal(0);
    const page = h(
      "html",
      null,
      h(
        "head",
        null,
        h("link", { rel: "icon", href: "/static/favicon.svg" }),
        h("link", { rel: "stylesheet", href: assets.stylesheet }),
      ),
      h(
        "body",
        null,
        h(
          Counter,
          { count, label: HOSTILE, extra: { $weird: 1, big: "12345678901234567890" } },
          h("em", { "data-testid": "slotted" }, "server-rendered slot"),
          h(Echo, { count }),
        ),
        h(Echo, { count }),
      ),
    );
    return c.html(renderPage(
      page,
      { islandsScript: assets.script },
    ));
  });
  return app;
}

function serve(app: Hono): { url: string; server: Deno.HttpServer<Deno.NetAddr> } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.fetch);
  return { url: `http://127.0.0.1:${server.addr.port}`, server };
}

Deno.test("islands: hydrate in Chromium under the CSP, share signals, keep slots", async () => {
  const { url, server } = serve(await fixtureApp());
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const problems = await watchPage(page);
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${url}/`);
    await page.waitForSelector("mesh3-island[data-island='2'][data-hydrated]", { timeout: 10_000 });
    assert.deepEqual(await page.locator("mesh3-island[data-hydrated]").count(), 3);

    // Hostile text arrived as text, and did not run.
    const button = page.getByTestId("increment");
    assert.deepEqual(await button.textContent(), `${HOSTILE}: 0`);
    assert.deepEqual(JSON.parse(await page.getByTestId("extra").textContent() ?? ""), {
      $weird: 1,
      big: "12345678901234567890",
    });
    assert.deepEqual(await page.getByTestId("slotted").textContent(), "server-rendered slot");

    // Interactive: one click changes the shared signal in all three islands.
    await button.click();
    await button.click();
    await page.waitForFunction(() =>
      [...document.querySelectorAll("[data-testid=echo]")].every((e) => e.textContent === "Echo 2")
    );
    assert.deepEqual(await page.getByTestId("count").textContent(), "2");
    assert.deepEqual(await page.getByTestId("slotted").textContent(), "server-rendered slot");
    assert.deepEqual(dialogs, []);
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await server.shutdown();
  }
});

Deno.test("islands: the app's pages hydrate with no console error or CSP violation", async () => {
  const app = webApp({
    pages,
    assets: await buildAssets(),
    getRoom: (id) => Promise.resolve(id === ROOM_ID ? room : null),
    publicConfig,
  });
  const { url, server } = serve(app);
  const browser = await launchChromium();
  await Deno.mkdir(RESULTS, { recursive: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems = await watchPage(page);
    for (const [path, shot] of [["/", "home"], [`/room/${ROOM_ID}`, "room"]]) {
      await page.goto(`${url}${path}`);
      await page.waitForSelector("mesh3-island[data-hydrated]", { timeout: 10_000 });
      const islands = await page.locator("mesh3-island").count();
      assert.ok(islands > 0);
      assert.deepEqual(await page.locator("mesh3-island[data-hydrated]").count(), islands);
      await page.screenshot({ path: `${RESULTS}web-${shot}.png`, fullPage: true });
    }
    for (
      const [path, status, shot] of [["/room/0x123", 400, "bad-id"], [
        `/room/0x${"00".repeat(32)}`,
        404,
        "no-room",
      ]] as const
    ) {
      const res = await page.goto(`${url}${path}`);
      assert.deepEqual(res?.status(), status);
      await page.screenshot({ path: `${RESULTS}web-${shot}.png`, fullPage: true });
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${url}/room/${ROOM_ID}`);
    await page.waitForSelector("mesh3-island[data-hydrated]", { timeout: 10_000 });
    await page.screenshot({ path: `${RESULTS}web-room-mobile.png`, fullPage: true });
    // Chromium logs the 400/404 documents themselves as failed loads; nothing else may fail.
    const expected = (p: string) => /status of 40[04].*\/room\/0x(123|0{64})\)$/.test(p);
    assert.deepEqual(problems.filter((p) => !expected(p)), []);
  } finally {
    await browser.close();
    await server.shutdown();
  }
});
