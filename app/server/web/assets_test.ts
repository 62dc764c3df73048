import assert from "node:assert/strict";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { buildAssets } from "./assets.ts";
import { staticImports } from "./bundle.ts";

const FIXTURES = new URL("./testdata/islands/", import.meta.url).pathname;

async function sha256Hex(data: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", data as BufferSource));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("buildAssets: content-hashed entry, island chunks and stylesheet, written to outDir", async () => {
  const outDir = await Deno.makeTempDir({ prefix: "mesh3-assets-test-" });
  try {
    const assets = await buildAssets({ outDir, islandsDir: FIXTURES });
    assert.match(assets.script, /^\/static\/build\/islands-[0-9a-f]{16}\.js$/);
    assert.match(assets.stylesheet, /^\/static\/build\/styles-[0-9a-f]{16}\.css$/);
    assert.deepEqual(assets.islands, ["Counter", "Echo"]);
    // One chunk per island, named after it with esbuild's content hash; the rest shared chunks.
    for (const island of assets.islands) {
      const own = [...assets.files.keys()].filter((u) => u.includes(`/${island}-`));
      assert.equal(own.length, 1, island);
      assert.match(own[0], /^\/static\/build\/\w+-[A-Z0-9]{8}\.js$/);
      assert.ok(assets.preload.get(island)!.includes(own[0]), `${island} preloads its chunk`);
    }
    for (const [url, file] of assets.files) {
      const name = url.slice("/static/build/".length);
      assert.deepEqual(await Deno.readFile(`${outDir}/${name}`), file.body);
      const ours = url.match(/^\/static\/build\/(islands|styles|sw|file-writer)-([0-9a-f]{16})\./);
      if (ours) assert.equal((await sha256Hex(file.body)).slice(0, 16), ours[2]);
      else assert.match(name, /^[\w]+-[A-Z0-9]{8}\.js$/);
      // Compressed forms decompress to the file itself.
      if (file.gzip) assert.deepEqual(new Uint8Array(gunzipSync(file.gzip)), file.body);
      if (file.br) assert.deepEqual(new Uint8Array(brotliDecompressSync(file.br)), file.body);
    }
    assert.ok(assets.files.get(assets.script)!.br, "the entry is precompressed");
    // Preloads name only built files, never the entry itself.
    for (const urls of assets.preload.values()) {
      for (const u of urls) assert.ok(assets.files.has(u) && u !== assets.script, u);
    }
    const js = new TextDecoder().decode(assets.files.get(assets.script)!.body);
    assert.match(js, /mesh3-island/);
    assert.match(js, /__mesh3_islands/);
    // The entry loads each island with import(), so a page fetches only the islands it shows.
    for (const island of assets.islands) assert.match(js, new RegExp(`import\\("\\./${island}-`));
    const css = new TextDecoder().decode(assets.files.get(assets.stylesheet)!.body);
    assert.match(css, /tailwindcss v4/);
    assert.match(css, /mesh3-island,\s*mesh3-slot\s*\{\s*display:\s*contents/);
    // A class used only by the app's components is generated.
    assert.match(css, /\.bg-slate-950\{/);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("buildAssets: the same sources give the same assets without rebuilding", async () => {
  const outDir = await Deno.makeTempDir({ prefix: "mesh3-assets-test-" });
  try {
    const first = await buildAssets({ outDir, islandsDir: FIXTURES });
    const before = [...Deno.readDirSync(outDir)].map((e) => e.name).sort();
    const second = await buildAssets({ outDir, islandsDir: FIXTURES });
    assert.equal(second, first);
    assert.deepEqual([...Deno.readDirSync(outDir)].map((e) => e.name).sort(), before);
    assert.equal(before.filter((n) => n.startsWith("manifest-")).length, 1);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("buildAssets: other islands give another bundle", async () => {
  const outDir = await Deno.makeTempDir({ prefix: "mesh3-assets-test-" });
  try {
    const fixtures = await buildAssets({ outDir, islandsDir: FIXTURES });
    const app = await buildAssets({ outDir });
    assert.notEqual(app.script, fixtures.script);
    assert.equal(app.stylesheet, fixtures.stylesheet);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("buildAssets: the pinned chain and registry are in the bundle; others give another bundle", async () => {
  const outDir = await Deno.makeTempDir({ prefix: "mesh3-assets-test-" });
  try {
    const registry = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    const pinned = await buildAssets({
      outDir,
      islandsDir: FIXTURES,
      pin: { chainId: 7, registry },
    });
    const js = new TextDecoder().decode(pinned.files.get(pinned.script)!.body);
    assert.ok(js.includes(registry.toLowerCase()), "the registry is in the bundle");
    assert.deepEqual(pinned.pin, { chainId: 7, registry: registry.toLowerCase() });
    const other = await buildAssets({
      outDir,
      islandsDir: FIXTURES,
      pin: { chainId: 7, registry: "0x" + "12".repeat(20) },
    });
    // ENS's resolver is pinned too: naming one gives another bundle that holds its address.
    const resolver = "0xCe01f8eee7E479C928F8919abD53E553a36CeF67";
    const named = await buildAssets({
      outDir,
      islandsDir: FIXTURES,
      pin: { chainId: 7, registry, ensUniversalResolver: resolver, ensRpcUrl: "https://e.example" },
    });
    const namedJs = new TextDecoder().decode(named.files.get(named.script)!.body);
    assert.ok(namedJs.includes(resolver.toLowerCase()) && namedJs.includes("https://e.example"));
    assert.notEqual(named.script, pinned.script);
    const unpinned = await buildAssets({ outDir, islandsDir: FIXTURES });
    const scripts = new Set([pinned.script, other.script, unpinned.script]);
    assert.equal(scripts.size, 3);
    const integrities = new Set([pinned, other, unpinned].map((a) => a.scriptIntegrity));
    assert.equal(integrities.size, 3);
    // The integrity is SHA-384 of the served bytes, as browsers check it.
    const body = pinned.files.get(pinned.script)!.body;
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-384", body as BufferSource));
    assert.equal(pinned.scriptIntegrity, `sha384-${btoa(String.fromCharCode(...digest))}`);
    // Every module (entry and chunks) is listed in the import map with the SHA-384 of its bytes.
    const js384 = [...pinned.files].filter(([url]) =>
      url.endsWith(".js") && url !== pinned.serviceWorker && url !== pinned.fileWriter
    );
    assert.ok(js384.length > 1, "split into chunks");
    const map = JSON.parse(pinned.importMap) as { integrity: Record<string, string> };
    assert.deepEqual(Object.keys(map.integrity).sort(), js384.map(([url]) => url).sort());
    for (const [url, file] of js384) {
      const d = new Uint8Array(await crypto.subtle.digest("SHA-384", file.body as BufferSource));
      assert.equal(map.integrity[url], `sha384-${btoa(String.fromCharCode(...d))}`, url);
      assert.equal(pinned.integrity.get(url), map.integrity[url]);
    }
    const mapDigest = new Uint8Array(
      await crypto.subtle.digest("SHA-256", new TextEncoder().encode(pinned.importMap)),
    );
    assert.equal(pinned.importMapCsp, `'sha256-${btoa(String.fromCharCode(...mapDigest))}'`);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("buildAssets: split: false gives the one-file bundle of before (the benchmark's baseline)", async () => {
  const outDir = await Deno.makeTempDir({ prefix: "mesh3-assets-test-" });
  try {
    const one = await buildAssets({ outDir, islandsDir: FIXTURES, split: false });
    assert.deepEqual(
      [...one.files.keys()].sort(),
      [one.script, one.stylesheet, one.serviceWorker, one.fileWriter].sort(),
    );
    assert.equal(one.preload.size, 0);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("staticImports: static imports only, not import()", () => {
  assert.deepEqual(
    staticImports('import{a as b}from"./chunk-A1.js";import"./chunk-B2.js";x=import("./C-3.js")'),
    ["chunk-A1.js", "chunk-B2.js"],
  );
  assert.deepEqual(staticImports('import { a } from "./chunk-A1.js";\nlet s = "./x.js";'), [
    "chunk-A1.js",
  ]);
});

Deno.test("buildAssets: the home page needs ≤ 60 KB gzip of JavaScript, without viem, the Merkle tree or QR", async () => {
  const assets = await buildAssets();
  const needed = [assets.script, ...assets.preload.get("Home")!];
  let gzip = 0;
  for (const url of needed) {
    const file = assets.files.get(url)!;
    gzip += (file.gzip ?? file.body).length;
    const js = new TextDecoder().decode(file.body);
    assert.doesNotMatch(js, /viem\.sh/, `${url} carries viem`);
    assert.doesNotMatch(js, /StandardMerkleTree/, `${url} carries the Merkle tree`);
    assert.doesNotMatch(js, /[Kk]anji/, `${url} carries the QR encoder`);
  }
  assert.ok(gzip <= 60_000, `home JavaScript is ${gzip} bytes gzip`);
  // They are built all the same, to load when used.
  const all = [...assets.files.values()].map((f) => new TextDecoder().decode(f.body)).join("\n");
  for (const marker of [/viem\.sh/, /StandardMerkleTree/, /[Kk]anji/]) assert.match(all, marker);
});
