/**
 * What the service worker (service_worker.ts) does with each request, as a pure function so it is
 * tested without a browser. It never touches `/ws`, `/api/*`, `/healthz`, `/sw.js`, other origins
 * or anything but GET: those go to the network as if there were no service worker. Page loads go
 * to the network first and fall back to the cached home page only when the network fails (offline
 * start). Files of the shell it cached at install (this build's, checked by SRI) come from the
 * cache; everything else from the network.
 * @module
 */

/** What the service worker does with a request. */
export type SwRoute =
  /** Not intercepted at all: no `respondWith`. */
  | "network"
  /** A page: network first, the cached home page when offline. */
  | "page"
  /** A file of this build's shell: from the cache, else the network. */
  | "shell";

import type { SwConfig } from "../shared/sw_config.ts";

export type { SwConfig };

/** Paths the service worker never intercepts (and everything under them). */
const NEVER = ["/ws", "/api", "/healthz", "/sw.js"];

/**
 * Decides how the service worker handles a request.
 *
 * @param req The request's URL, method and mode (`navigate` for page loads).
 * @param origin The app's origin (the service worker's).
 * @param shell Paths of this build's shell files.
 *
 * @example
 * ```ts
 * import { swRoute } from "./sw_route.ts";
 * const o = "https://mesh3.example";
 * swRoute({ url: `${o}/api/ice`, method: "GET", mode: "cors" }, o, new Set()); // "network"
 * swRoute({ url: `${o}/room/0x12`, method: "GET", mode: "navigate" }, o, new Set()); // "page"
 * ```
 */
export function swRoute(
  req: { url: string; method: string; mode: string },
  origin: string,
  shell: ReadonlySet<string>,
): SwRoute {
  if (req.method !== "GET") return "network";
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return "network";
  }
  if (url.origin !== origin) return "network";
  const path = url.pathname;
  if (NEVER.some((p) => path === p || path.startsWith(`${p}/`))) return "network";
  if (req.mode === "navigate") return "page";
  if (shell.has(path) && url.search === "") return "shell";
  return "network";
}
