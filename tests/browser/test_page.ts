/**
 * The small cross-browser page interface the app flows need, so one flow drives Chromium
 * (Playwright) or Firefox (puppeteer over WebDriver BiDi). Adapters: playwright_page.ts,
 * puppeteer_page.ts; `launchTestBrowser` in test_browser.ts picks one.
 *
 * Elements are found by `data-testid`, optionally narrowed by more attributes and by text, as
 * the app's tests always do. Waits are bounded (30 s unless said otherwise).
 *
 * @example
 * ```ts ignore
 * const page = await browser.newPage();
 * await page.goto(url);
 * await page.find("peer", { attrs: { "data-state": "open" } }).waitFor();
 * await page.find("composer").type("hello");
 * await page.find("composer").press("Enter");
 * ```
 * @module
 */

/** Which engine runs the page. */
export type Engine = "chromium" | "firefox";

/** How to narrow a `data-testid` query. */
export interface FindOptions {
  /** More attributes the element must carry with exactly these values (e.g. `data-state`). */
  attrs?: Record<string, string>;
  /** Text the element must contain (case-insensitive, whitespace collapsed; as Playwright). */
  hasText?: string;
}

/** A lazy query: every call looks the elements up again, as a Playwright locator does. */
export interface Target {
  /** Waits until the first match is visible and enabled, then clicks it (real pointer input). */
  click(opts?: { timeout?: number }): Promise<void>;
  /** Waits for the first match and replaces its value with `value`. */
  fill(value: string): Promise<void>;
  /** Waits for the first match (a checkbox or radio) and checks it. */
  check(): Promise<void>;
  /** Focuses the first match and types `text` key by key. */
  type(text: string): Promise<void>;
  /** Focuses the first match and presses a key or chord ("Enter", "Shift+Enter"). */
  press(key: string): Promise<void>;
  /** Waits for the first match and returns its rendered text (`innerText`). */
  text(): Promise<string>;
  /** Waits for the first match and returns an attribute (null when absent). */
  attribute(name: string): Promise<string | null>;
  /** Whether the first match is visible now (no waiting). */
  isVisible(): Promise<boolean>;
  /** How many elements match now (no waiting). */
  count(): Promise<number>;
  /** Waits until the first match is visible (default) or until nothing matches. */
  waitFor(opts?: { state?: "visible" | "detached"; timeout?: number }): Promise<void>;
}

/** A page of either browser. */
export interface TestPage {
  readonly engine: Engine;
  /** Navigates and waits for the load event. */
  goto(url: string): Promise<void>;
  /** Elements by `data-testid`. */
  find(testId: string, opts?: FindOptions): Target;
  /** Runs `fn(arg)` in the page and returns its (JSON-like) result. */
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** A full-page PNG screenshot. */
  screenshot(path: string): Promise<void>;
  /** Sets the viewport size. */
  setViewport(width: number, height: number): Promise<void>;
  /** A script run in every document of this page before the page's own scripts. */
  addInitScript(script: string): Promise<void>;
  /**
   * Exposes an async function of the test process to the page as `globalThis[name]` (arguments
   * and result are serialized). Only the function crosses: keys stay in the test process.
   */
  exposeFunction(name: string, fn: (...args: never[]) => unknown): Promise<void>;
  /** Gives a file input (found by `data-testid`, may be hidden) files from disk, by path. */
  setInputFiles(testId: string, paths: string[]): Promise<void>;
  /** Starts collecting console errors, page errors, failed requests and CSP violations. */
  watch(): Promise<string[]>;
  /** Whether the page was closed. */
  isClosed(): boolean;
  /** Chromium only: sends a DevTools Protocol command for this page (e.g. a storage quota). */
  cdp?(method: string, params: Record<string, unknown>): Promise<unknown>;
  /** Closes the page and its browser context (cookies and storage go with it). */
  close(): Promise<void>;
}

/** A browser that opens isolated pages (one fresh context per page). */
export interface TestBrowser {
  readonly engine: Engine;
  newPage(opts?: { width?: number; height?: number }): Promise<TestPage>;
  close(): Promise<void>;
}

/** Default wait of every adapter. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The CSS selector of a `data-testid` query.
 *
 * @param testId The `data-testid` value.
 * @param attrs More attributes with exact values.
 * @returns A selector both engines understand.
 *
 * @example
 * ```ts
 * testIdSelector("peer", { "data-state": "open" }); // [data-testid="peer"][data-state="open"]
 * ```
 */
export function testIdSelector(testId: string, attrs: Record<string, string> = {}): string {
  const part = (name: string, value: string) => `[${name}=${JSON.stringify(value)}]`;
  return part("data-testid", testId) +
    Object.entries(attrs).map(([name, value]) => part(name, value)).join("");
}

/**
 * Runs in every document before its scripts (an init script): turns each Content-Security-Policy
 * violation into a console error, which the page watchers collect.
 *
 * @example
 * ```ts ignore
 * await page.addInitScript(reportCspViolations);
 * ```
 */
export function reportCspViolations(): void {
  document.addEventListener("securitypolicyviolation", (e) => {
    console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
  });
}
