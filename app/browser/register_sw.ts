/**
 * Registers the app's service worker (`/sw.js`, app/browser/service_worker.ts) from the bundle
 * entry, so the app can be installed and started offline. Without service workers (an old browser,
 * a private window) the app works as before. Runs in browsers only.
 * @module
 */

/**
 * Registers `/sw.js` for the whole origin; a failure is reported on the console as a warning.
 *
 * @example
 * ```ts ignore
 * import { registerServiceWorker } from "./register_sw.ts";
 * registerServiceWorker();
 * ```
 */
export function registerServiceWorker(
  container: ServiceWorkerContainer | undefined = globalThis.navigator?.serviceWorker,
): void {
  container?.register("/sw.js", { scope: "/" }).catch((e) => {
    console.warn("Cannot register the service worker:", e instanceof Error ? e.message : e);
  });
}
