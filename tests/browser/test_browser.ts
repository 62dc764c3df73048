/**
 * Launches either browser behind the cross-browser {@linkcode TestBrowser} interface.
 * @module
 */
import { launchChromium } from "./chromium.ts";
import { launchFirefox } from "./firefox.ts";
import { playwrightBrowser } from "./playwright_page.ts";
import { puppeteerBrowser } from "./puppeteer_page.ts";
import type { Engine, TestBrowser } from "./test_page.ts";

/**
 * Starts headless Chromium (Playwright) or Firefox (puppeteer over WebDriver BiDi) with a fresh
 * profile. Close it with `close()` in a `finally`.
 *
 * @param engine Which browser.
 * @returns The browser; its pages each live in a fresh context.
 *
 * @example
 * ```ts ignore
 * const firefox = await launchTestBrowser("firefox");
 * try {
 *   const page = await firefox.newPage();
 *   await page.goto(url);
 * } finally {
 *   await firefox.close();
 * }
 * ```
 */
export async function launchTestBrowser(engine: Engine): Promise<TestBrowser> {
  return engine === "chromium"
    ? playwrightBrowser(await launchChromium())
    : puppeteerBrowser(await launchFirefox());
}
