/**
 * Launches the machine's headless Chromium for browser tests (shared by every browser test).
 *
 * Uses `npm:playwright-core` with `/usr/bin/chromium` (Playwright's browser download is not
 * available here). Each launch gets a fresh, empty profile: Playwright creates a new temporary
 * `--user-data-dir` per `launch()` and deletes it on `close()`, so nothing leaks between tests.
 *
 * @example
 * ```ts ignore
 * import { launchChromium, watchPage } from "./chromium.ts";
 * const browser = await launchChromium();
 * try {
 *   const page = await browser.newPage();
 *   const problems = await watchPage(page);
 *   await page.goto("http://127.0.0.1:8000/");
 *   // ... assertions ...; assertEquals(problems, []);
 * } finally {
 *   await browser.close();
 * }
 * ```
 * @module
 */
import { type Browser, chromium, type Page } from "playwright-core";
import { reportCspViolations } from "./test_page.ts";

/** Path of the system Chromium. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Arguments that make Chromium quiet and offline-friendly (docs: shared/ENVIRONMENT.md). */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Options of {@linkcode launchChromium}. */
export interface LaunchChromiumOptions {
  /** More command-line arguments (e.g. fake media devices). */
  args?: string[];
  /** Run with a window (for debugging on a machine with a display). Default false. */
  headed?: boolean;
}

/**
 * Starts headless Chromium with a fresh profile. Close it with `browser.close()` in a `finally`.
 */
export function launchChromium(opts: LaunchChromiumOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: !opts.headed,
    args: [...CHROMIUM_ARGS, ...(opts.args ?? [])],
  });
}

/**
 * Collects a page's problems as readable lines: console errors, uncaught exceptions, failed
 * requests and Content-Security-Policy violations (from the `securitypolicyviolation` event,
 * installed before any page script runs). The returned array fills as the page runs.
 */
export async function watchPage(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const where = msg.location().url;
    problems.push(`console: ${msg.text()}${where ? ` (${where})` : ""}`);
  });
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("requestfailed", (req) => {
    problems.push(`requestfailed: ${req.url()} ${req.failure()?.errorText ?? ""}`);
  });
  await page.addInitScript(reportCspViolations);
  return problems;
}
