/**
 * {@linkcode TestPage} over a puppeteer page (Firefox over WebDriver BiDi). Queries run in the
 * page (one small function, {@linkcode inPage}); waits poll it from here every 50 ms, bounded by
 * the timeout, and survive navigations (a destroyed context is just asked again). Clicks and
 * keys are real input (BiDi `input.performActions`), as with Playwright.
 * @module
 */
import type { Browser, ElementHandle, Page } from "puppeteer-core";
import { watchFirefoxPage } from "./firefox.ts";
import {
  DEFAULT_TIMEOUT_MS,
  type FindOptions,
  type Target,
  type TestBrowser,
  testIdSelector,
  type TestPage,
} from "./test_page.ts";

/** A query as the page sees it. */
interface Query {
  css: string;
  hasText?: string;
}

type Op =
  | "count"
  | "visible"
  | "actionable"
  | "gone"
  | "text"
  | "attribute"
  | "checked"
  | "element";

/**
 * Runs in the page: the elements matching `q` (text compared case-insensitively with
 * whitespace collapsed, as Playwright's `hasText`), then one answer about the first of them.
 * Self-contained, as it is serialized into the page.
 */
function inPage(q: Query, op: Op, name?: string): unknown {
  const norm = (s: string) => s.replace(/\s+/g, " ").trim().toLowerCase();
  const want = q.hasText === undefined ? null : norm(q.hasText);
  const all = Array.from(document.querySelectorAll(q.css)).filter((e) =>
    want === null || norm(e.textContent ?? "").includes(want)
  );
  const el = all[0] as HTMLElement | undefined;
  const visible = !!el && el.getClientRects().length > 0 &&
    getComputedStyle(el).visibility !== "hidden";
  // Playwright's actionability: visible and not disabled (a disabled fieldset counts).
  const actionable = visible && !el.matches(":disabled");
  switch (op) {
    case "count":
      return all.length;
    case "visible":
      return visible;
    case "actionable":
      return actionable;
    case "gone":
      return el === undefined;
    case "text":
      return el ? el.innerText : null;
    case "attribute":
      return el ? { value: el.getAttribute(name!) } : null;
    case "checked":
      return el ? (el as HTMLInputElement).checked : null;
    case "element":
      return actionable ? el : null;
  }
}

/**
 * The cross-browser view of a puppeteer page.
 *
 * @param page A puppeteer page (Firefox).
 * @returns Its {@linkcode TestPage}.
 *
 * @example
 * ```ts ignore
 * const page = puppeteerPage(await browser.newPage());
 * await page.find("create-button").click();
 * ```
 */
export function puppeteerPage(page: Page): TestPage {
  page.setDefaultTimeout(DEFAULT_TIMEOUT_MS);
  return {
    engine: "firefox",
    async goto(url) {
      await page.goto(url, { waitUntil: "load" });
    },
    find: (testId, opts) => target(page, testId, opts),
    evaluate: <R, A>(fn: (arg: A) => R | Promise<R>, arg: A) =>
      page.evaluate(fn as (arg: unknown) => R, arg as unknown) as Promise<R>,
    async screenshot(path) {
      await page.screenshot({ path: path as `${string}.png`, fullPage: true });
    },
    setViewport: (width, height) => page.setViewport({ width, height }),
    async addInitScript(script) {
      await page.evaluateOnNewDocument(script);
    },
    exposeFunction: (name, fn) => page.exposeFunction(name, fn as (...args: unknown[]) => unknown),
    watch: () => watchFirefoxPage(page),
    isClosed: () => page.isClosed(),
    close: () => page.browserContext().close(),
  };
}

/**
 * The cross-browser view of a puppeteer browser: each page in a fresh browser context (own
 * cookies and storage) and a window of its own, so that every page is visible (a tab behind
 * another is hidden: its timers are throttled and input reaches it slowly).
 *
 * @param browser A launched puppeteer browser (see firefox.ts).
 * @returns Its {@linkcode TestBrowser}.
 */
export function puppeteerBrowser(browser: Browser): TestBrowser {
  return {
    engine: "firefox",
    async newPage(opts = {}) {
      const context = await browser.createBrowserContext();
      const page = await context.newPage({ type: "window" });
      await page.setViewport({ width: opts.width ?? 1100, height: opts.height ?? 900 });
      return puppeteerPage(page);
    },
    close: () => browser.close(),
  };
}

function target(page: Page, testId: string, opts: FindOptions = {}): Target {
  const q: Query = { css: testIdSelector(testId, opts.attrs), hasText: opts.hasText };
  const what = `${q.css}${q.hasText === undefined ? "" : ` with text "${q.hasText}"`}`;
  const ask = (op: Op, name?: string) => page.evaluate(inPage, q, op, name);

  /** Asks until `accept` takes the answer (undefined: not yet); bounded by the timeout. */
  const until = async <T>(
    op: Op,
    accept: (answer: unknown) => T | undefined,
    doing: string,
    timeout = DEFAULT_TIMEOUT_MS,
    name?: string,
  ): Promise<T> => {
    const end = Date.now() + timeout;
    let last: unknown = "no answer";
    for (let i = 0; i < timeout / 50 + 1; i++) {
      try {
        const got = accept(await ask(op, name));
        if (got !== undefined) return got;
      } catch (e) {
        last = e; // navigating: the context went away; ask the next one
      }
      if (Date.now() > end) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`Cannot ${doing} ${what} within ${timeout} ms`, { cause: last });
  };

  /** The first match once visible and enabled, as an element handle. */
  const element = async (
    doing: string,
    timeout = DEFAULT_TIMEOUT_MS,
  ): Promise<ElementHandle<HTMLElement>> => {
    const end = Date.now() + timeout;
    for (let i = 0; i < timeout / 50 + 1 && Date.now() <= end; i++) {
      await until("actionable", (v) => v === true || undefined, doing, end - Date.now() + 50);
      const handle = await page.evaluateHandle(inPage, q, "element" as Op).catch(() => null);
      const el = handle?.asElement() as ElementHandle<HTMLElement> | null | undefined;
      if (el) return el;
      await handle?.dispose();
    }
    throw new Error(`Cannot ${doing} ${what}: it never stayed visible and enabled`);
  };

  const withElement = async (
    doing: string,
    act: (el: ElementHandle<HTMLElement>) => unknown,
    timeout?: number,
  ) => {
    const el = await element(doing, timeout);
    try {
      await act(el);
    } finally {
      await el.dispose();
    }
  };

  return {
    click: (o = {}) => withElement("click", (el) => el.click(), o.timeout),
    fill: (value) => withElement("fill", (el) => el.asLocator().fill(value)),
    async check() {
      const checked = await until(
        "checked",
        (v) => typeof v === "boolean" ? v : undefined,
        "check",
      );
      if (!checked) await withElement("check", (el) => el.click());
    },
    type: (text) => withElement("type into", (el) => el.type(text)),
    press: (key) =>
      withElement("press keys on", async (el) => {
        await el.focus();
        const keys = key.split("+") as Parameters<Page["keyboard"]["press"]>[0][];
        const main = keys.pop()!;
        for (const k of keys) await page.keyboard.down(k);
        await page.keyboard.press(main);
        for (const k of keys.reverse()) await page.keyboard.up(k);
      }),
    text: () => until("text", (v) => typeof v === "string" ? v : undefined, "read the text of"),
    attribute: (name) =>
      until(
        "attribute",
        (v) => v === null ? undefined : (v as { value: string | null }).value,
        "read an attribute of",
        DEFAULT_TIMEOUT_MS,
        name,
      ),
    isVisible: async () => await ask("visible") === true,
    count: async () => await ask("count") as number,
    waitFor: (o = {}) =>
      until(
        o.state === "detached" ? "gone" : "visible",
        (v) => v === true || undefined,
        o.state === "detached" ? "see the end of" : "see",
        o.timeout,
      ).then(() => {}),
  };
}
