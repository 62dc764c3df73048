/**
 * The usual bed of a Chromium app test: a test chain, the real app server on it and headless
 * Chromium, all stopped afterwards whatever happens.
 * @module
 */
import type { Browser } from "playwright-core";
import { startTestChain, type TestChain } from "../../testing/chain.ts";
import { startAppServer, type StartAppServerOptions, type TestAppServer } from "./app_server.ts";
import { launchChromium } from "./chromium.ts";

/** What {@linkcode withChromiumApp} hands the test. */
export interface ChromiumBed {
  chain: TestChain;
  app: TestAppServer;
  browser: Browser;
}

/**
 * Starts a chain, the app server and Chromium, runs `fn`, then stops all three.
 *
 * @example
 * ```ts ignore
 * await withChromiumApp(async ({ chain, app, browser }) => { ... });
 * ```
 */
export async function withChromiumApp<T>(
  fn: (bed: ChromiumBed) => Promise<T>,
  opts: StartAppServerOptions = {},
): Promise<T> {
  const chain = await startTestChain();
  let app: TestAppServer | undefined;
  let browser: Browser | undefined;
  try {
    app = await startAppServer(chain, opts);
    browser = await launchChromium();
    return await fn({ chain, app, browser });
  } finally {
    await browser?.close();
    await app?.stop();
    await chain.stop();
  }
}
