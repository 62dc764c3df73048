/**
 * {@linkcode TestPage} over a Playwright page (Chromium): a thin mapping onto locators.
 * @module
 */
import type { Browser, CDPSession, Locator, Page } from "playwright-core";
import { watchPage } from "./chromium.ts";
import {
  DEFAULT_TIMEOUT_MS,
  type FindOptions,
  type Target,
  type TestBrowser,
  testIdSelector,
  type TestPage,
} from "./test_page.ts";

const wrapped = new WeakMap<Page, TestPage>();

/**
 * The cross-browser view of a Playwright page (the same object for the same page).
 *
 * @param page A Playwright page.
 * @returns Its {@linkcode TestPage}.
 *
 * @example
 * ```ts ignore
 * const page = playwrightPage(await context.newPage());
 * await page.find("create-button").click();
 * ```
 */
export function playwrightPage(page: Page): TestPage {
  let view = wrapped.get(page);
  if (!view) {
    view = adapt(page);
    wrapped.set(page, view);
  }
  return view;
}

/**
 * The cross-browser view of a Playwright browser: each page in a fresh context.
 *
 * @param browser A launched Playwright browser (see chromium.ts).
 * @param permissions Permissions every new context is granted (e.g. `["notifications"]`), as a
 *   person who said yes to the browser's prompt.
 * @returns Its {@linkcode TestBrowser}.
 */
export function playwrightBrowser(browser: Browser, permissions: string[] = []): TestBrowser {
  return {
    engine: "chromium",
    async newPage(opts = {}) {
      const context = await browser.newContext({
        viewport: { width: opts.width ?? 1100, height: opts.height ?? 900 },
        permissions,
      });
      const page = await context.newPage();
      page.setDefaultTimeout(DEFAULT_TIMEOUT_MS);
      return playwrightPage(page);
    },
    close: () => browser.close(),
  };
}

function adapt(page: Page): TestPage {
  let session: Promise<CDPSession> | undefined;
  return {
    engine: "chromium",
    async goto(url) {
      await page.goto(url);
    },
    find: (testId, opts) => target(page, testId, opts),
    evaluate: <R, A>(fn: (arg: A) => R | Promise<R>, arg: A) =>
      page.evaluate(fn as (arg: unknown) => R | Promise<R>, arg as unknown),
    async screenshot(path) {
      await page.screenshot({ path, fullPage: true });
    },
    setViewport: (width, height) => page.setViewportSize({ width, height }),
    async addInitScript(script) {
      await page.addInitScript({ content: script });
    },
    async exposeFunction(name, fn) {
      await page.exposeFunction(name, fn as (...args: unknown[]) => unknown);
    },
    watch: () => watchPage(page),
    setInputFiles: (testId, paths) =>
      page.locator(testIdSelector(testId)).first().setInputFiles(paths),
    isClosed: () => page.isClosed(),
    async cdp(method, params) {
      // One session for the page's life: some overrides (a storage quota) end with their session.
      session ??= page.context().newCDPSession(page);
      // deno-lint-ignore no-explicit-any
      return await (await session).send(method as any, params);
    },
    close: () => page.context().close(),
  };
}

function target(page: Page, testId: string, opts: FindOptions = {}): Target {
  let locator: Locator = page.locator(testIdSelector(testId, opts.attrs));
  if (opts.hasText !== undefined) locator = locator.filter({ hasText: opts.hasText });
  const first = locator.first();
  return {
    click: (o = {}) => first.click({ timeout: o.timeout }),
    fill: (value) => first.fill(value),
    check: () => first.check(),
    type: (text) => first.pressSequentially(text),
    press: (key) => first.press(key),
    text: () => first.innerText(),
    attribute: (name) => first.getAttribute(name),
    isVisible: () => first.isVisible(),
    count: () => locator.count(),
    waitFor: (o = {}) => first.waitFor({ state: o.state ?? "visible", timeout: o.timeout }),
  };
}
