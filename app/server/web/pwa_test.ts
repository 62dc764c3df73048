import assert from "node:assert/strict";
import { FILE_WRITER_URL } from "../../shared/file_writer.ts";
import type { SwConfig } from "../../shared/sw_config.ts";
import { pages } from "../../pages.ts";
import type { PublicConfig } from "../../shared/public_config.ts";
import { buildAssets, webApp } from "./mod.ts";
import { ICONS, MANIFEST_PATH } from "./pwa.ts";

const registry = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const rpcUrl = "http://127.0.0.1:8545";
const config: PublicConfig = {
  ...{ chainId: 31337, chainName: "Local", rpcUrl, registry },
  localDevChain: true,
};
const assets = await buildAssets({ pin: { chainId: config.chainId, registry: config.registry } });
const app = webApp({ pages, assets, publicConfig: config, getRoom: () => Promise.resolve(null) });

/** Width and height from a PNG's IHDR chunk; throws when the bytes are not a PNG. */
function pngSize(bytes: Uint8Array): [number, number] {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  assert.deepEqual([...bytes.subarray(0, 8)], signature, "PNG signature");
  assert.equal(new TextDecoder().decode(bytes.subarray(12, 16)), "IHDR");
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  return [view.getUint32(16), view.getUint32(20)];
}

/** The configuration `/sw.js` starts with. */
async function swConfig(): Promise<{ config: SwConfig; res: Response; code: string }> {
  const res = await app.request("/sw.js");
  const text = await res.text();
  const m = text.match(/^self\.MESH3_SW=(.*?);\n/);
  assert.ok(m, text.slice(0, 80));
  return { config: JSON.parse(m[1]), res, code: text.slice(m[0].length) };
}

Deno.test("pwa: the manifest is served as application/manifest+json with 192 and 512 PNG icons", async () => {
  const res = await app.request(MANIFEST_PATH);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/manifest+json");
  const manifest = await res.json();
  assert.equal(manifest.start_url, "/");
  assert.equal(manifest.scope, "/");
  assert.equal(manifest.display, "standalone");
  assert.ok(manifest.name && manifest.short_name);
  const sizes = new Set<string>();
  for (const icon of manifest.icons) {
    const png = await app.request(icon.src);
    assert.equal(png.status, 200, icon.src);
    assert.equal(png.headers.get("content-type"), "image/png");
    const [w, h] = pngSize(new Uint8Array(await png.arrayBuffer()));
    assert.equal(`${w}x${h}`, icon.sizes, icon.src);
    sizes.add(icon.sizes);
  }
  assert.deepEqual([...sizes].sort(), ["192x192", "512x512"]);
  assert.deepEqual(ICONS.map((i) => i.sizes), ["192x192", "512x512"]);
});

Deno.test("pwa: every page links the manifest", async () => {
  const html = await (await app.request("/")).text();
  assert.ok(html.includes(`<link rel="manifest" href="${MANIFEST_PATH}"/>`));
  const missing = await (await app.request("/nope")).text();
  assert.ok(missing.includes(`<link rel="manifest" href="${MANIFEST_PATH}"/>`));
});

Deno.test("pwa: /sw.js is the service worker with this build's shell, each module with its SRI value", async () => {
  const { config: sw, res, code } = await swConfig();
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.equal(res.headers.get("cache-control"), "no-cache");
  assert.equal(code, new TextDecoder().decode(assets.files.get(assets.serviceWorker)!.body));
  const urls = sw.shell.map((e) => e.url);
  for (const url of ["/", assets.stylesheet, assets.script, MANIFEST_PATH]) {
    assert.ok(urls.includes(url), url);
  }
  for (const url of assets.preload.get("Home")!) assert.ok(urls.includes(url), url);
  for (const entry of sw.shell) {
    if (entry.url.endsWith(".js")) {
      assert.equal(entry.integrity, assets.integrity.get(entry.url), entry.url);
    } else assert.equal(entry.integrity, undefined, entry.url);
    const got = await app.request(entry.url);
    assert.equal(got.status, 200, entry.url);
    await got.body?.cancel();
  }
  // The service worker's own code is not a page module: not in the import map.
  assert.equal(assets.integrity.has(assets.serviceWorker), false);
});

Deno.test("pwa: /file-writer.js is the received-file writer worker, not a page module", async () => {
  const res = await app.request(FILE_WRITER_URL);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.equal(res.headers.get("cache-control"), "no-cache");
  const code = await res.text();
  assert.equal(code, new TextDecoder().decode(assets.files.get(assets.fileWriter)!.body));
  assert.ok(code.includes("createSyncAccessHandle"), "the writer's code");
  assert.equal(assets.integrity.has(assets.fileWriter), false);
});

Deno.test("pwa: another build gives another service worker version", async () => {
  const other = await buildAssets({
    minify: false,
    pin: { chainId: 1, registry: config.registry },
  });
  const otherApp = webApp({
    pages,
    assets: other,
    publicConfig: config,
    getRoom: () => Promise.resolve(null),
  });
  const a = (await swConfig()).config.version;
  const text = await (await otherApp.request("/sw.js")).text();
  const b = JSON.parse(text.match(/^self\.MESH3_SW=(.*?);\n/)![1]).version;
  assert.notEqual(a, b);
  assert.match(a, /^[\w.-]+$/);
});

Deno.test("pwa: error: /sw.js, /file-writer.js and the manifest answer GET and HEAD only", async () => {
  for (const path of ["/sw.js", FILE_WRITER_URL, MANIFEST_PATH]) {
    const res = await app.request(path, { method: "POST" });
    assert.equal(res.status, 404, path);
    await res.body?.cancel();
  }
});
