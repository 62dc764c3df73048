/**
 * Builds the content-hashed browser assets at start: the islands bundle and the Tailwind
 * stylesheet, cached by a hash of their sources so repeated starts and tests do not rebuild.
 * @module
 */
import { bytesToHex, encodeBase64 } from "../../core/bytes.ts";
import { bundleIslands, PROJECT_ROOT } from "./bundle.ts";
import { ISLANDS_DIR, listIslandFiles, loadIslands } from "./island_registry.ts";
import { buildTailwind } from "./tailwind.ts";

/** URL prefix of built assets. */
export const BUILD_PREFIX = "/static/build/";

/** One built file, held in memory. */
export interface AssetFile {
  body: Uint8Array;
  contentType: string;
}

/** The built assets of the app. */
export interface Assets {
  /** URL of the islands module script, e.g. `/static/build/islands-3f2a….js`. */
  script: string;
  /** Its Subresource Integrity value (`sha384-<base64>`), on the page's module script tag. */
  scriptIntegrity: string;
  /** The chain id and registry built into the bundle (none for fixture builds). */
  pin?: { chainId: number; registry: string };
  /** URL of the stylesheet, e.g. `/static/build/styles-9c1e….css`. */
  stylesheet: string;
  /** Built files by URL path; served with an immutable cache policy. */
  files: Map<string, AssetFile>;
  /** Names of the islands in the bundle (all registered for the server render). */
  islands: string[];
}

/** Options of {@linkcode buildAssets}. */
export interface BuildAssetsOptions {
  /** Where built files and the cache manifest go; default `app/static/build` (gitignored). */
  outDir?: string;
  /** Minify JS and CSS (default true). */
  minify?: boolean;
  /** Folder of island files to bundle; default `app/islands/` (tests use fixture islands). */
  islandsDir?: string;
  /** The chain id and registry to build into the bundle (the page refuses props naming
   * others); changing them changes the bundle. */
  pin?: { chainId: number; registry: string };
}

const memo = new Map<string, Promise<Assets>>();

/** Built files older than this are removed from `outDir` after a build (they live in memory). */
const STALE_MS = 24 * 3600 * 1000;

/**
 * Builds (or loads from the cache) the islands bundle and the stylesheet, and registers the
 * islands for the server render (`loadIslands`). The cache key hashes every source file under
 * `app/`, the islands folder, deno.json and deno.lock, so any change rebuilds.
 *
 * @example
 * ```ts ignore
 * import { buildAssets } from "./assets.ts";
 * const assets = await buildAssets();
 * assets.script; // "/static/build/islands-<hash>.js"
 * ```
 */
export function buildAssets(opts: BuildAssetsOptions = {}): Promise<Assets> {
  const outDir = opts.outDir ?? `${PROJECT_ROOT}app/static/build`;
  const minify = opts.minify ?? true;
  const islandsDir = opts.islandsDir ?? ISLANDS_DIR;
  const pin = opts.pin
    ? { chainId: opts.pin.chainId, registry: opts.pin.registry.toLowerCase() }
    : undefined;
  return sourceHash(minify, islandsDir, pin).then((key) => {
    const memoKey = `${outDir}\0${key}`;
    let built = memo.get(memoKey);
    if (!built) {
      built = loadOrBuild(outDir, key, minify, islandsDir, pin);
      memo.set(memoKey, built);
      built.catch(() => memo.delete(memoKey));
    }
    return built;
  });
}

async function loadOrBuild(
  outDir: string,
  key: string,
  minify: boolean,
  islandsDir: string,
  pin: Assets["pin"],
): Promise<Assets> {
  const manifest = `${outDir}/manifest-${key}.json`;
  const names = await loadIslands(islandsDir);
  try {
    const cached = JSON.parse(await Deno.readTextFile(manifest)) as string[];
    const files = await Promise.all(
      cached.map(async (n) => [n, await Deno.readFile(`${outDir}/${n}`)] as const),
    );
    return await toAssets(files, names, pin);
  } catch {
    // Not cached (or cache damaged): build.
  }
  const islands = await listIslandFiles(islandsDir);
  const [js, css] = await Promise.all([
    bundleIslands({ minify, islands, pin }),
    buildTailwind({ minify }),
  ]);
  const enc = new TextEncoder();
  const files = await Promise.all([
    hashedName("islands", ".js", enc.encode(js)),
    hashedName("styles", ".css", enc.encode(css)),
  ]);
  await Deno.mkdir(outDir, { recursive: true });
  for (const [name, body] of files) await writeAtomic(`${outDir}/${name}`, body);
  await writeAtomic(manifest, enc.encode(JSON.stringify(files.map(([n]) => n))));
  await pruneStale(outDir);
  return await toAssets(files, names, pin);
}

/** Removes build outputs not touched for a day: servers hold theirs in memory. */
async function pruneStale(outDir: string): Promise<void> {
  const cutoff = Date.now() - STALE_MS;
  for await (const e of Deno.readDir(outDir)) {
    if (!e.isFile || !/^(islands-|styles-|manifest-)/.test(e.name)) continue;
    const path = `${outDir}/${e.name}`;
    const info = await Deno.stat(path).catch(() => null);
    if (info?.mtime && info.mtime.getTime() < cutoff) await Deno.remove(path).catch(() => {});
  }
}

async function toAssets(
  files: readonly (readonly [string, Uint8Array])[],
  islands: string[],
  pin: Assets["pin"],
): Promise<Assets> {
  const map = new Map<string, AssetFile>();
  let script = "", stylesheet = "";
  for (const [name, body] of files) {
    const url = BUILD_PREFIX + name;
    const js = name.endsWith(".js");
    map.set(url, {
      body,
      contentType: js ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8",
    });
    if (js) script = url;
    else stylesheet = url;
  }
  if (!script || !stylesheet) {
    throw new Error("Cannot load assets: the build manifest is incomplete");
  }
  const js = map.get(script)!.body;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-384", js as BufferSource));
  const scriptIntegrity = `sha384-${encodeBase64(digest)}`;
  return { script, scriptIntegrity, stylesheet, files: map, islands, ...(pin ? { pin } : {}) };
}

async function hashedName(
  stem: string,
  ext: string,
  body: Uint8Array,
): Promise<[string, Uint8Array]> {
  return [`${stem}-${(await sha256Hex(body)).slice(0, 16)}${ext}`, body];
}

async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data as BufferSource));
  return bytesToHex(digest).slice(2);
}

async function writeAtomic(path: string, body: Uint8Array): Promise<void> {
  const tmp = `${path}.${crypto.randomUUID()}.tmp`;
  await Deno.writeFile(tmp, body);
  await Deno.rename(tmp, path);
}

/**
 * Hash of every file the build reads: sources under app/ (not the build output) and the islands
 * folder, deno.json and deno.lock.
 */
async function sourceHash(
  minify: boolean,
  islandsDir: string,
  pin: Assets["pin"],
): Promise<string> {
  const paths: string[] = [`${PROJECT_ROOT}deno.json`, `${PROJECT_ROOT}deno.lock`];
  const walk = async (dir: string): Promise<void> => {
    for await (const e of Deno.readDir(dir)) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory && p !== `${PROJECT_ROOT}app/static/build`) await walk(p);
      else if (e.isFile && /\.(ts|tsx|js|css)$/.test(e.name) && !/_test\.tsx?$/.test(e.name)) {
        paths.push(p);
      }
    }
  };
  await walk(`${PROJECT_ROOT}app`);
  const dir = islandsDir.replace(/\/$/, "");
  if (!dir.startsWith(`${PROJECT_ROOT}app/`)) await walk(dir);
  paths.sort();
  const enc = new TextEncoder();
  const pinned = pin ? `${pin.chainId}:${pin.registry}` : "none";
  const parts: Uint8Array[] = [
    enc.encode(`v2 minify=${minify} islands=${dir} pin=${pinned}\n`),
  ];
  for (const p of paths) {
    parts.push(enc.encode(`${p}\n`));
    parts.push(await Deno.readFile(p).catch(() => new Uint8Array()));
  }
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length + 1;
  }
  return (await sha256Hex(all)).slice(0, 24);
}
