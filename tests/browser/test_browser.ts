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
export async function launchTestBrowser(
  engine: Engine,
  opts: { media?: "fake" | "deny"; notifications?: "granted" } = {},
): Promise<TestBrowser> {
  // Notifications granted as a person who said yes to the prompt: per context in Chromium, by
  // the default permission in Firefox (its BiDi has no per-context grant here). Headless Firefox
  // has no desktop notification service (showNotification fails with NS_ERROR_FAILURE): its own
  // in-browser alerts stand in, and the registration lists what was shown as usual.
  const granted = opts.notifications === "granted";
  return engine === "chromium"
    ? playwrightBrowser(
      await launchChromium({ args: chromiumMediaArgs(opts.media) }),
      granted ? ["notifications"] : [],
    )
    : puppeteerBrowser(
      await launchFirefox({
        prefs: {
          ...firefoxMediaPrefs(opts.media),
          ...(granted
            ? { "permissions.default.desktop-notification": 1, "alerts.useSystemBackend": false }
            : {}),
        },
      }),
    );
}

/**
 * Chromium's fake camera and microphone (a test pattern and a beep), and the permission prompt
 * answered without a person: granted, or with "deny" refused as a user would.
 */
export function chromiumMediaArgs(media?: "fake" | "deny"): string[] {
  if (!media) return [];
  return [
    "--use-fake-device-for-media-stream",
    media === "deny" ? "--use-fake-ui-for-media-stream=deny" : "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
    // No sound card here: a fake output that still plays out in real time, so received audio is
    // decoded and its energy counted in inbound-rtp.
    "--disable-audio-output",
  ];
}

/** Firefox's fake media is on in FIREFOX_PREFS; "deny" asks instead (and nobody answers). */
export function firefoxMediaPrefs(media?: "fake" | "deny"): Record<string, boolean> {
  return media === "deny" ? { "media.navigator.permission.disabled": false } : {};
}
