/**
 * What the server tells the service worker about the build it belongs to: shared by the server,
 * which writes it into `/sw.js` (app/server/web/pwa.ts), and the worker (app/browser/).
 * @module
 */

/** What the server tells the service worker about the build it belongs to (`/sw.js`). */
export interface SwConfig {
  /** Changes with every build (a hash of every module and the stylesheet). */
  version: string;
  /** Files cached at install: same-origin paths, with SRI values for modules. */
  shell: { url: string; integrity?: string }[];
}
