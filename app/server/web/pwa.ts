/**
 * What makes the app installable: the web app manifest (`/manifest.webmanifest`, served as
 * `application/manifest+json`) and the service worker script (`/sw.js`: the build's shell list and
 * version, then the bundled app/browser/service_worker.ts). The shell is this build's: the home
 * page, the stylesheet, the entry and every island's preloaded modules with their SRI values, the
 * icons and the manifest.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { FILE_WRITER_URL } from "../../shared/file_writer.ts";
import type { SwConfig } from "../../shared/sw_config.ts";
import type { Assets } from "./assets.ts";
import { SHORT_CACHE } from "./static_files.ts";

/** Where the manifest is served. */
export const MANIFEST_PATH = "/manifest.webmanifest";

/** The icons the manifest lists (PNG files of app/static, made by scripts/icons.ts). */
export const ICONS = [192, 512].map((size) => ({
  src: `/static/icon-${size}.png`,
  sizes: `${size}x${size}`,
  type: "image/png",
}));

/**
 * The web app manifest.
 *
 * @example
 * ```ts
 * import { webManifest } from "./pwa.ts";
 * webManifest().display; // "standalone"
 * ```
 */
export function webManifest(): Record<string, unknown> {
  return {
    id: "/",
    name: "Mesh3 · private peer-to-peer chat",
    short_name: "Mesh3",
    description: "Peer-to-peer chat, end-to-end encrypted, with keys verified on-chain.",
    start_url: "/",
    scope: "/",
    display: "standalone",
    background_color: "#020617",
    theme_color: "#020617",
    icons: [
      ...ICONS.map((i) => ({ ...i, purpose: "any" })),
      ...ICONS.map((i) => ({ ...i, purpose: "maskable" })),
    ],
  };
}

/**
 * The service worker's configuration for a build: a version that changes with any module or the
 * stylesheet, and the shell to cache at install.
 *
 * @example
 * ```ts ignore
 * serviceWorkerConfig(assets).shell[0]; // { url: "/" }
 * ```
 */
export function serviceWorkerConfig(assets: Assets): SwConfig {
  const modules = new Set([assets.script, ...[...assets.preload.values()].flat()]);
  const version = `${assets.importMapCsp.slice(8, 40)}-${assets.stylesheet.split("/").pop()}`
    .replace(/[^\w.-]/g, "_");
  return {
    version,
    shell: [
      { url: "/" },
      { url: assets.stylesheet },
      ...[...modules].map((url) => ({ url, integrity: assets.integrity.get(url) })),
      { url: "/static/favicon.svg" },
      ...ICONS.map((i) => ({ url: i.src })),
      { url: MANIFEST_PATH },
    ],
  };
}

/**
 * Serves `/manifest.webmanifest` and `/sw.js`. The service worker script is revalidated on every
 * check (`no-cache`), so a new build's reaches browsers at their next visit.
 *
 * @example
 * ```ts ignore
 * app.use(pwaFiles(assets));
 * ```
 */
export function pwaFiles(assets: Assets): MiddlewareHandler {
  const manifest = JSON.stringify(webManifest());
  const sw = `self.MESH3_SW=${JSON.stringify(serviceWorkerConfig(assets))};\n` +
    new TextDecoder().decode(assets.files.get(assets.serviceWorker)!.body);
  const writer = assets.files.get(assets.fileWriter)!.body;
  return async function pwaHandler(c, next) {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") return await next();
    if (c.req.path === MANIFEST_PATH) {
      return c.body(manifest, 200, {
        "Content-Type": "application/manifest+json",
        "Cache-Control": SHORT_CACHE,
      });
    }
    if (c.req.path === "/sw.js") {
      return c.body(sw, 200, {
        "Content-Type": "text/javascript; charset=utf-8",
        "Cache-Control": "no-cache",
      });
    }
    if (c.req.path === FILE_WRITER_URL) {
      return c.body(writer as Uint8Array<ArrayBuffer>, 200, {
        "Content-Type": "text/javascript; charset=utf-8",
        "Cache-Control": "no-cache",
      });
    }
    return await next();
  };
}
