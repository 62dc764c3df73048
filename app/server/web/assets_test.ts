import assert from "node:assert/strict";
import { buildAssets } from "./assets.ts";

const FIXTURES = new URL("./testdata/islands/", import.meta.url).pathname;

async function sha256Hex(data: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", data as BufferSource));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("buildAssets: content-hashed bundle and stylesheet, written to outDir", async () => {
  const outDir = await Deno.makeTempDir({ prefix: "mesh3-assets-test-" });
  try {
    const assets = await buildAssets({ outDir, islandsDir: FIXTURES });
    assert.match(assets.script, /^\/static\/build\/islands-[0-9a-f]{16}\.js$/);
    assert.match(assets.stylesheet, /^\/static\/build\/styles-[0-9a-f]{16}\.css$/);
    assert.deepEqual([...assets.files.keys()].sort(), [assets.script, assets.stylesheet].sort());
    assert.deepEqual(assets.islands, ["Counter", "Echo"]);
    for (const [url, file] of assets.files) {
      const hash = url.match(/-([0-9a-f]{16})\./)![1];
      assert.equal((await sha256Hex(file.body)).slice(0, 16), hash);
      const name = url.slice("/static/build/".length);
      assert.deepEqual(await Deno.readFile(`${outDir}/${name}`), file.body);
    }
    const js = new TextDecoder().decode(assets.files.get(assets.script)!.body);
    assert.match(js, /mesh3-island/);
    assert.match(js, /__mesh3_islands/);
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
    const unpinned = await buildAssets({ outDir, islandsDir: FIXTURES });
    const scripts = new Set([pinned.script, other.script, unpinned.script]);
    assert.equal(scripts.size, 3);
    const integrities = new Set([pinned, other, unpinned].map((a) => a.scriptIntegrity));
    assert.equal(integrities.size, 3);
    // The integrity is SHA-384 of the served bytes, as browsers check it.
    const body = pinned.files.get(pinned.script)!.body;
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-384", body as BufferSource));
    assert.equal(pinned.scriptIntegrity, `sha384-${btoa(String.fromCharCode(...digest))}`);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});
