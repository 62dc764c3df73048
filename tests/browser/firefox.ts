/**
 * Launches the machine's headless Firefox (Debian's firefox-esr) for browser tests.
 *
 * Playwright's own Firefox build cannot be downloaded here, so Firefox is driven by
 * `npm:puppeteer-core` over WebDriver BiDi. Each launch gets a fresh, empty profile: puppeteer
 * creates a temporary profile directory per `launch()`, writes the prefs below into it, and
 * deletes it on `close()`.
 *
 * @example
 * ```ts ignore
 * import { launchFirefox, watchFirefoxPage } from "./firefox.ts";
 * const browser = await launchFirefox();
 * try {
 *   const page = await browser.newPage();
 *   const problems = await watchFirefoxPage(page);
 *   await page.goto("http://127.0.0.1:8000/");
 *   // ... assertions ...; assertEquals(problems, []);
 * } finally {
 *   await browser.close();
 * }
 * ```
 * @module
 */
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { reportCspViolations } from "./test_page.ts";

/** Path of the system Firefox. */
export const FIREFOX_PATH = "/usr/bin/firefox-esr";

/**
 * Firefox prefs for tests, on top of the quiet automation profile puppeteer writes itself (no
 * update checks, no health report, no safe-browsing lists, no first-run pages, no background
 * thumbnails, no speculative connections).
 */
export const FIREFOX_PREFS: Readonly<Record<string, string | number | boolean>> = {
  // --- WebRTC on loopback -----------------------------------------------------------------------
  // Firefox leaves loopback addresses out of ICE by default, so a TURN server on 127.0.0.1 (the
  // coturn of the relay tests) and the relayed candidates it hands out would never be used.
  "media.peerconnection.ice.loopback": true,
  // Without camera/microphone permission Firefox hides host candidates behind random mDNS names
  // (`<uuid>.local`) that the other browser must resolve by multicast DNS. On one machine that
  // works, but multicast DNS never crosses a router (the coming NAT lab), and a test should not
  // hang on it: give raw addresses.
  "media.peerconnection.ice.obfuscate_host_addresses": false,
  // Note: Firefox 153 gathered no host candidate on `lo` in any setting tried (these prefs, an
  // active fake capture, default_address_only off): here host candidates are on eth0 (without a
  // media permission Firefox gathers on the default-route interface only). In a network namespace
  // with nothing but `lo` it gathered none at all (ICE error 10): a NAT lab must give every
  // namespace a routed interface, or use TURN.

  // --- Fake media, ready for call tests -----------------------------------------------------------
  // getUserMedia gets generated audio/video instead of real devices, and asks nobody.
  "media.navigator.streams.fake": true,
  "media.navigator.permission.disabled": true,

  // --- Nothing leaves the machine ---------------------------------------------------------------
  // Remote Settings (experiments, blocklists, CRLite, query stripping, ...) syncs from
  // firefox.settings.services.mozilla.com on first use; release builds honour another server only
  // with MOZ_REMOTE_SETTINGS_DEVTOOLS=1 (set in launchFirefox). Port 9 is on Firefox's list of
  // blocked ports, so each sync fails inside Firefox without sending a packet.
  "services.settings.server": "http://127.0.0.1:9/v1",
  // Nimbus experiments and Normandy studies.
  "messaging-system.rsexperimentloader.enabled": false,
  "app.normandy.enabled": false,
  // Captive-portal and connectivity probes (detectportal.firefox.com).
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  // No DNS over HTTPS to a remote resolver.
  "network.trr.mode": 5,
  // Telemetry and usage pings (puppeteer already turns the health report off).
  "toolkit.telemetry.enabled": false,
  "datareporting.usage.uploadEnabled": false,
  // The app is served over plain HTTP: never try an https:// upgrade first (Firefox exempts
  // 127.0.0.1 today; a NAT lab serves other addresses).
  "dom.security.https_first": false,
};

/** Options of {@linkcode launchFirefox}. */
export interface LaunchFirefoxOptions {
  /** More prefs (they win over {@linkcode FIREFOX_PREFS}). */
  prefs?: Record<string, string | number | boolean>;
  /** Run with a window (for debugging on a machine with a display). Default false. */
  headed?: boolean;
  /**
   * Write Firefox's host-resolver log here (`MOZ_LOG_FILE`; child processes add a suffix), to
   * check which names it looked up.
   */
  hostLog?: string;
}

/**
 * Starts headless Firefox with a fresh profile. Close it with `browser.close()` in a `finally`.
 *
 * @param opts Extra prefs, headed mode, host-resolver log.
 * @returns The puppeteer browser (WebDriver BiDi).
 */
export function launchFirefox(opts: LaunchFirefoxOptions = {}): Promise<Browser> {
  const env: Record<string, string> = {
    ...Deno.env.toObject(),
    MOZ_REMOTE_SETTINGS_DEVTOOLS: "1",
  };
  if (opts.hostLog) {
    env.MOZ_LOG = "nsHostResolver:5";
    env.MOZ_LOG_FILE = opts.hostLog;
  }
  return puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX_PATH,
    headless: !opts.headed,
    extraPrefsFirefox: { ...FIREFOX_PREFS, ...opts.prefs },
    env,
  });
}

/**
 * Collects a page's problems as readable lines, like `watchPage` in chromium.ts: console errors,
 * uncaught exceptions, failed requests and Content-Security-Policy violations (from the
 * `securitypolicyviolation` event, installed before any page script runs). The returned array
 * fills as the page runs.
 *
 * @param page A puppeteer page, before it navigates.
 * @returns The live list of problems.
 */
export async function watchFirefoxPage(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const where = msg.location().url;
    problems.push(`console: ${msg.text()}${where ? ` (${where})` : ""}`);
  });
  page.on("pageerror", (err) => {
    problems.push(`pageerror: ${err instanceof Error ? err.message : String(err)}`);
  });
  page.on("requestfailed", (req) => {
    problems.push(`requestfailed: ${req.url()} ${req.failure()?.errorText ?? ""}`);
  });
  await page.evaluateOnNewDocument(reportCspViolations);
  return problems;
}
