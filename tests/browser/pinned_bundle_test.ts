/**
 * The page does not take its chain settings from the server (issue 10, item 4), in Chromium and
 * Firefox: the real app server sits behind a hostile HTTP proxy that rewrites what it serves.
 * - Props naming another RoomRegistry: the page refuses to run and says why on screen (the
 *   registry is built into the bundle).
 * - A changed bundle: the browser refuses to run it (Subresource Integrity on the module script).
 * - A changed chunk (the bundle is split per island): refused too, whether the page preloads it
 *   or imports it later with `import()` (the import map's `integrity` section and the
 *   `modulepreload` links' `integrity`).
 * An honest proxy is the control: the same page hydrates and imports the same chunk.
 */
import assert from "node:assert/strict";
import { startTestChain } from "../../testing/chain.ts";
import { startAppServer } from "./app_server.ts";
import { launchTestBrowser } from "./test_browser.ts";
import type { Engine, TestPage } from "./test_page.ts";

type Rewrite = "none" | "props" | "bundle" | "chunk";

/** What the proxy rewrites: `chunk` changes only the files whose path matches `chunk`. */
interface Mode {
  value: Rewrite;
  chunk?: RegExp;
}

const FAKE_REGISTRY = "0x" + "66".repeat(20);

/** A proxy in front of `upstream` that rewrites pages or the bundle, per `mode.value`. */
function hostileProxy(upstream: string, registry: string, mode: Mode) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const res = await fetch(upstream + url.pathname + url.search, { headers: req.headers });
    const type = res.headers.get("content-type") ?? "";
    const headers = new Headers(res.headers);
    headers.delete("content-length");
    headers.delete("content-encoding");
    if (mode.value === "props" && type.startsWith("text/html")) {
      const html = (await res.text()).replace(new RegExp(registry, "gi"), FAKE_REGISTRY);
      return new Response(html, { status: res.status, headers });
    }
    const tampered = mode.value === "bundle"
      ? url.pathname.startsWith("/static/build/islands-")
      : mode.value === "chunk" && mode.chunk!.test(url.pathname);
    if (tampered) {
      const js = (await res.text()) + "\n;console.log('tampered');\n";
      return new Response(js, { status: res.status, headers });
    }
    return new Response(res.body, { status: res.status, headers });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, stop: () => server.shutdown() };
}

/** Opens `url`; resolves whether an island hydrated within `ms` after the page loaded. */
async function hydrates(page: TestPage, url: string, ms: number): Promise<boolean> {
  let hydrated = false;
  await page.exposeFunction("__mesh3Hydrated", () => {
    hydrated = true;
  });
  await page.addInitScript(`new MutationObserver(() => {
    if (document.querySelector("mesh3-island[data-hydrated]")) globalThis.__mesh3Hydrated();
  }).observe(document, { subtree: true, attributes: true, childList: true });`);
  await page.goto(url);
  for (let waited = 0; waited < ms && !hydrated; waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
  }
  return hydrated;
}

for (const engine of ["chromium", "firefox"] as Engine[]) {
  Deno.test(`pinned bundle (${engine}): other props refused on screen, a changed bundle not run`, async (t) => {
    const chain = await startTestChain();
    const app = await startAppServer(chain);
    const mode: Mode = { value: "none" };
    const proxy = hostileProxy(app.url, chain.registry, mode);
    const browser = await launchTestBrowser(engine);
    try {
      await t.step("control: through an honest proxy the page hydrates", async () => {
        const page = await browser.newPage();
        const problems = await page.watch();
        assert.equal(await hydrates(page, `${proxy.url}/`, 30_000), true);
        assert.equal(await page.find("pin-refusal").count(), 0);
        // The inline import map is allowed by its hash in the CSP.
        assert.ok(!problems.some((p) => /CSP violation/.test(p)), problems.join("\n"));
        await page.close();
      });

      await t.step("props naming another registry: refused, and why", async () => {
        mode.value = "props";
        const page = await browser.newPage();
        const hydrated = await hydrates(page, `${proxy.url}/`, 3_000);
        const refusal = page.find("pin-refusal");
        await refusal.waitFor();
        const text = await refusal.text();
        assert.match(text, /Mesh3 refuses to run/);
        assert.ok(text.includes(FAKE_REGISTRY), text);
        assert.ok(text.toLowerCase().includes(chain.registry.toLowerCase()), text);
        assert.equal(hydrated, false);
        await page.close();
      });

      await t.step("a changed bundle: the browser does not run it", async () => {
        mode.value = "bundle";
        const page = await browser.newPage();
        const problems = await page.watch();
        // The honest page hydrated within the control's time; this one is given 5 s.
        assert.equal(await hydrates(page, `${proxy.url}/`, 5_000), false);
        assert.equal(await page.find("pin-refusal").count(), 0);
        if (engine === "chromium") {
          assert.ok(problems.some((p) => /integrity/i.test(p)), problems.join("\n"));
        }
        await page.close();
      });

      // The chunks of the home page and of the Room island (loaded by room pages only).
      const html = await (await fetch(`${app.url}/`)).text();
      const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)].map((m) =>
        m[1]
      );
      const map = JSON.parse(html.match(/<script type="importmap">(.*?)<\/script>/)![1]) as {
        integrity: Record<string, string>;
      };
      const homeChunk = preloaded.find((u) => /\/Home-\w+\.js$/.test(u))!;
      const roomChunk = Object.keys(map.integrity).find((u) => /\/Room-\w+\.js$/.test(u))!;
      assert.ok(homeChunk && roomChunk && !preloaded.includes(roomChunk));
      const importChunk = (page: TestPage, url: string) =>
        page.evaluate(
          (u: string) => import(u).then(() => "loaded", (e) => `refused: ${String(e)}`),
          url,
        );

      await t.step("a changed chunk the page preloads: the island does not run", async () => {
        mode.value = "chunk";
        mode.chunk = new RegExp(`^${homeChunk}$`);
        const page = await browser.newPage();
        const problems = await page.watch();
        assert.equal(await hydrates(page, `${proxy.url}/`, 5_000), false);
        if (engine === "chromium") {
          assert.ok(problems.some((p) => /integrity/i.test(p)), problems.join("\n"));
        }
        await page.close();
      });

      await t.step(
        "a changed chunk loaded later with import(): refused; unchanged, loaded",
        async () => {
          mode.value = "chunk";
          mode.chunk = new RegExp(`^${roomChunk}$`);
          const page = await browser.newPage();
          // The home page does not need Room's chunk: it hydrates.
          assert.equal(await hydrates(page, `${proxy.url}/`, 30_000), true);
          assert.match(await importChunk(page, roomChunk), /^refused: /);
          mode.value = "none";
          const honest = await browser.newPage();
          assert.equal(await hydrates(honest, `${proxy.url}/`, 30_000), true);
          assert.equal(await importChunk(honest, roomChunk), "loaded");
          await honest.close();
          await page.close();
        },
      );
    } finally {
      await browser.close();
      await proxy.stop();
      await app.stop();
      await chain.stop();
    }
  });
}
