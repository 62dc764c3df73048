/**
 * Builds the content-hashed browser assets at start: the island modules (a boot entry, one chunk
 * per island, shared chunks) and the Tailwind stylesheet, precompressed with brotli and gzip,
 * cached by a hash of their sources so repeated starts and tests do not rebuild.
 * @module
 */
import { bytesToHex } from "../../core/bytes.ts";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";
import { bundleIslands, PROJECT_ROOT, staticImports } from "./bundle.ts";
import { moduleIntegrity } from "./module_integrity.ts";
import { ISLANDS_DIR, listIslandFiles, loadIslands } from "./island_registry.ts";
import { buildTailwind } from "./tailwind.ts";
import { type PinnedChain, pinOf } from "../../shared/public_config.ts";

/** URL prefix of built assets. */
export const BUILD_PREFIX = "/static/build/";

/** One built file, held in memory, with its compressed forms when compressing pays. */
export interface AssetFile {
  body: Uint8Array;
  contentType: string;
  /** Brotli (quality 11) of `body`. */
  br?: Uint8Array;
  /** Gzip (level 9) of `body`. */
  gzip?: Uint8Array;
}

/** The built assets of the app. */
export interface Assets {
  /** URL of the islands module script (the boot entry), e.g. `/static/build/islands-3f2a….js`. */
  script: string;
  /** Its Subresource Integrity value (`sha384-<base64>`), on the page's module script tag. */
  scriptIntegrity: string;
  /**
   * SRI value of every JS file by URL path (entry, island and shared chunks): the page lists them
   * in its import map's `integrity` section and on each `modulepreload`, so a changed chunk is
   * refused like a changed entry.
   */
  integrity: Map<string, string>;
  /** Text of the page's import map whose `integrity` section lists every module's SRI value. */
  importMap: string;
  /** CSP source of that inline import map (`'sha256-…'`), added to the pages' `script-src`. */
  importMapCsp: string;
  /** The chain id, registry and ENS settings built into the bundle (none for fixture builds). */
  pin?: PinnedChain;
  /** URL of the stylesheet, e.g. `/static/build/styles-9c1e….css`. */
  stylesheet: string;
  /** URL of the service worker's code among `files` (pwa.ts serves it as `/sw.js`). */
  serviceWorker: string;
  /** URL of the received-file writer worker among `files` (pwa.ts serves it as
   * `/file-writer.js`). */
  fileWriter: string;
  /** Every built file by URL path (entry, island and shared chunks, stylesheet); immutable. */
  files: Map<string, AssetFile>;
  /** Names of the islands in the bundle (all registered for the server render). */
  islands: string[];
  /**
   * Island name → URLs of the modules a page showing it needs at once (the island's chunk and
   * every chunk it or the entry imports statically), for `<link rel="modulepreload">`.
   */
  preload: Map<string, string[]>;
}

/** Options of {@linkcode buildAssets}. */
export interface BuildAssetsOptions {
  /** Where built files and the cache manifest go; default `app/static/build` (gitignored). */
  outDir?: string;
  /** Minify JS and CSS (default true). */
  minify?: boolean;
  /** Folder of island files to bundle; default `app/islands/` (tests use fixture islands). */
  islandsDir?: string;
  /** The chain id, registry and ENS settings to build into the bundle (the page refuses props
   * naming others); changing them changes the bundle. A whole config will do: only these
   * fields are taken. */
  pin?: PinnedChain;
  /**
   * Split the bundle per island (default true). False builds the one-file bundle the app had
   * before, as the first-load benchmark's baseline.
   */
  split?: boolean;
}

/** The build's outputs as the cache manifest lists them: the one place naming every output. */
interface BuildManifest {
  /** File names, all in `outDir`; each JS/CSS file may have `<name>.br` and `<name>.gz` beside. */
  files: string[];
  /** The entry among `files`. */
  entry: string;
  /** The stylesheet among `files`. */
  stylesheet: string;
  /** The service worker's code among `files` (served with its configuration as `/sw.js`). */
  serviceWorker: string;
  /** The received-file writer among `files` (served as `/file-writer.js`). */
  fileWriter: string;
  /** Island name → file name of its chunk (empty when not split). */
  islandChunks: Record<string, string>;
}

const memo = new Map<string, Promise<Assets>>();

/** Built files older than this are removed from `outDir` after a build (they live in memory). */
const STALE_MS = 24 * 3600 * 1000;

/** Files smaller than this are served as they are: compressing them saves nothing worth a header. */
const COMPRESS_MIN_BYTES = 512;

/**
 * Builds (or loads from the cache) the island modules and the stylesheet, precompressed, and
 * registers the islands for the server render (`loadIslands`). The cache key hashes every source
 * file under `app/`, the islands folder, deno.json and deno.lock, so any change rebuilds.
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
  const split = opts.split ?? true;
  const islandsDir = opts.islandsDir ?? ISLANDS_DIR;
  const pin = opts.pin ? pinOf(opts.pin) : undefined;
  return sourceHash(minify, split, islandsDir, pin).then((key) => {
    const memoKey = `${outDir}\0${key}`;
    let built = memo.get(memoKey);
    if (!built) {
      built = loadOrBuild(outDir, key, { minify, split, islandsDir, pin });
      memo.set(memoKey, built);
      built.catch(() => memo.delete(memoKey));
    }
    return built;
  });
}

async function loadOrBuild(
  outDir: string,
  key: string,
  opts: { minify: boolean; split: boolean; islandsDir: string; pin: Assets["pin"] },
): Promise<Assets> {
  const manifestPath = `${outDir}/manifest-${key}.json`;
  const names = await loadIslands(opts.islandsDir);
  try {
    const manifest = JSON.parse(await Deno.readTextFile(manifestPath)) as BuildManifest;
    const files = new Map<string, AssetFile>();
    for (const n of manifest.files) {
      const file: AssetFile = {
        body: await Deno.readFile(`${outDir}/${n}`),
        contentType: contentTypeOf(n),
      };
      file.br = await Deno.readFile(`${outDir}/${n}.br`).catch(() => undefined);
      file.gzip = await Deno.readFile(`${outDir}/${n}.gz`).catch(() => undefined);
      files.set(n, file);
    }
    return await toAssets(manifest, files, names, opts.pin);
  } catch {
    // Not cached (or cache damaged): build.
  }
  const islands = await listIslandFiles(opts.islandsDir);
  const [bundle, css] = await Promise.all([
    bundleIslands({ minify: opts.minify, split: opts.split, islands, pin: opts.pin }),
    buildTailwind({ minify: opts.minify }),
  ]);
  // Chunks carry esbuild's content hash in their names; the entry, imported by no chunk, and the
  // stylesheet get the first 16 hex digits of their SHA-256.
  const entryBody = bundle.files.get(bundle.entry)!;
  const entry = await hashedName("islands", ".js", entryBody);
  const stylesheet = await hashedName("styles", ".css", new TextEncoder().encode(css));
  const sw = await hashedName("sw", ".js", bundle.serviceWorker);
  const writer = await hashedName("file-writer", ".js", bundle.fileWriter);
  const bodies = new Map(bundle.files);
  bodies.delete(bundle.entry);
  bodies.set(entry[0], entry[1]);
  bodies.set(stylesheet[0], stylesheet[1]);
  bodies.set(sw[0], sw[1]);
  bodies.set(writer[0], writer[1]);
  const files = new Map<string, AssetFile>();
  await Deno.mkdir(outDir, { recursive: true });
  for (const [name, body] of bodies) {
    const file: AssetFile = { body, contentType: contentTypeOf(name) };
    await writeAtomic(`${outDir}/${name}`, body);
    if (body.length >= COMPRESS_MIN_BYTES) {
      file.br = brotli(body);
      file.gzip = gzipSync(body, { level: 9 });
      await writeAtomic(`${outDir}/${name}.br`, file.br);
      await writeAtomic(`${outDir}/${name}.gz`, file.gzip);
    }
    files.set(name, file);
  }
  const manifest: BuildManifest = {
    files: [...bodies.keys()].sort(),
    entry: entry[0],
    stylesheet: stylesheet[0],
    serviceWorker: sw[0],
    fileWriter: writer[0],
    islandChunks: Object.fromEntries(bundle.islandChunks),
  };
  await writeAtomic(manifestPath, new TextEncoder().encode(JSON.stringify(manifest)));
  await pruneStale(outDir);
  return await toAssets(manifest, files, names, opts.pin);
}

/** Removes build outputs not touched for a day: servers hold theirs in memory. */
async function pruneStale(outDir: string): Promise<void> {
  const cutoff = Date.now() - STALE_MS;
  for await (const e of Deno.readDir(outDir)) {
    if (!e.isFile) continue;
    const path = `${outDir}/${e.name}`;
    const info = await Deno.stat(path).catch(() => null);
    if (info?.mtime && info.mtime.getTime() < cutoff) await Deno.remove(path).catch(() => {});
  }
}

async function toAssets(
  manifest: BuildManifest,
  byName: Map<string, AssetFile>,
  islands: string[],
  pin: Assets["pin"],
): Promise<Assets> {
  const needed = [manifest.entry, manifest.stylesheet, manifest.serviceWorker, manifest.fileWriter];
  if (!needed.every((n) => n !== undefined && byName.has(n))) {
    throw new Error("Cannot load assets: the build manifest is incomplete");
  }
  const files = new Map<string, AssetFile>();
  for (const [name, file] of byName) files.set(BUILD_PREFIX + name, file);
  const closure = (start: string[]): string[] => {
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name) || !byName.has(name)) return;
      seen.add(name);
      for (const dep of staticImports(new TextDecoder().decode(byName.get(name)!.body))) {
        visit(dep);
      }
    };
    start.forEach(visit);
    return [...seen];
  };
  const preload = new Map<string, string[]>();
  for (const [island, chunk] of Object.entries(manifest.islandChunks)) {
    const needed = closure([manifest.entry, chunk]).filter((n) => n !== manifest.entry);
    preload.set(island, needed.map((n) => BUILD_PREFIX + n));
  }
  // The page's modules: not the workers, which the browser fetches as `/sw.js` and
  // `/file-writer.js`.
  const serviceWorker = BUILD_PREFIX + manifest.serviceWorker;
  const fileWriter = BUILD_PREFIX + manifest.fileWriter;
  const modules = await moduleIntegrity(
    new Map(
      [...files].filter(([url]) => url !== serviceWorker && url !== fileWriter)
        .map(([url, f]) => [url, f.body]),
    ),
  );
  const script = BUILD_PREFIX + manifest.entry;
  return {
    script,
    scriptIntegrity: modules.integrity.get(script)!,
    ...modules,
    ...(pin ? { pin } : {}),
    stylesheet: BUILD_PREFIX + manifest.stylesheet,
    serviceWorker,
    fileWriter,
    files,
    islands,
    preload,
  };
}

function contentTypeOf(name: string): string {
  return name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
}

function brotli(body: Uint8Array): Uint8Array {
  return brotliCompressSync(body, {
    params: {
      [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
      [zlib.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
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
  split: boolean,
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
  const pinned = pin ? JSON.stringify(pin) : "none";
  const parts: Uint8Array[] = [
    enc.encode(`v5 minify=${minify} split=${split} islands=${dir} pin=${pinned}\n`),
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
