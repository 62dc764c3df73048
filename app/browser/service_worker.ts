/**
 * The service worker (served as `/sw.js`, which prepends `self.MESH3_SW`, the build's
 * {@linkcode SwConfig}). At install it caches this build's shell (the home page, its stylesheet,
 * its modules fetched with their SRI values, the icons and the manifest) under a cache named after
 * the build, and at activation deletes every other build's cache: a module is only ever served
 * from the cache of the build whose pages name it, so no stale island bundle is served. Online, pages
 * come from the network; offline, the cached home page starts. `/ws`, `/api` and anything not GET
 * are never intercepted (sw_route.ts). Runs in the service worker's global scope only.
 * @module
 */
import { type SwConfig, swRoute } from "./sw_route.ts";

/** The parts of the service worker's global scope used here (no webworker lib in the project). */
interface FetchEventLike extends Event {
  request: Request;
  respondWith(r: Promise<Response>): void;
}
interface ExtendableEventLike extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface SwScope {
  MESH3_SW: SwConfig;
  location: Location;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: "fetch", f: (e: FetchEventLike) => void): void;
  addEventListener(type: "install" | "activate", f: (e: ExtendableEventLike) => void): void;
}

const sw = globalThis as unknown as SwScope;
const config = sw.MESH3_SW;
const CACHE = `mesh3-shell-${config.version}`;
const shell = new Set(config.shell.map((e) => e.url));

sw.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // Each module is fetched with its SRI value: a changed file fails the install, not the page.
    await cache.addAll(
      config.shell.map((e) =>
        new Request(e.url, { integrity: e.integrity ?? "", cache: "no-cache" })
      ),
    );
    await sw.skipWaiting();
  })());
});

sw.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("mesh3-") && name !== CACHE) await caches.delete(name);
    }
    await sw.clients.claim();
  })());
});

sw.addEventListener("fetch", (event) => {
  const req = event.request;
  const route = swRoute(req, sw.location.origin, shell);
  if (route === "network") return;
  if (route === "shell") {
    event.respondWith(
      caches.open(CACHE).then((c) => c.match(req)).then((hit) => hit ?? fetch(req)),
    );
    return;
  }
  event.respondWith(
    fetch(req).catch(async (err) => {
      const home = await (await caches.open(CACHE)).match("/");
      if (home) return home;
      throw err;
    }),
  );
});
