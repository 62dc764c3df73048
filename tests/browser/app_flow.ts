/**
 * Steps of the app as a person does them, for the end-to-end browser tests: a browser context
 * with a real wallet (EIP-1193 fixture), connecting, creating and joining rooms, chatting.
 *
 * Every step takes a Playwright page (Chromium) or a cross-browser {@linkcode TestPage}
 * (Chromium or Firefox), so one flow drives either browser.
 * @module
 */
import type { Browser, Locator, Page } from "playwright-core";
import type { TestChain } from "../../testing/chain.ts";
import { watchPage } from "./chromium.ts";
import { installTestWallet, type TestWallet } from "./eip1193_provider.ts";
import { playwrightPage } from "./playwright_page.ts";
import { RTC_TRACE_SCRIPT, rtcTrace } from "./rtc_trace.ts";
import type { Target, TestBrowser, TestPage } from "./test_page.ts";

/** Where screenshots go. */
export const RESULTS = new URL("../../test-results/", import.meta.url).pathname;

/** A page of either kind the steps accept. */
export type AnyPage = Page | TestPage;

/** The cross-browser view of a page (a Playwright page is wrapped). */
export function asTestPage(page: AnyPage): TestPage {
  return "engine" in page ? page : playwrightPage(page);
}

/** One person: a fresh browser context with their own wallet, and the page's problems. */
export interface Person<P extends AnyPage> {
  page: P;
  problems: string[];
  address: string;
  wallet: TestWallet;
}

export function person(
  browser: Browser,
  chain: TestChain,
  account: number,
  startChainId?: number,
): Promise<Person<Page>>;
export function person(
  browser: TestBrowser,
  chain: TestChain,
  account: number,
  startChainId?: number,
): Promise<Person<TestPage>>;
export async function person(
  browser: Browser | TestBrowser,
  chain: TestChain,
  account: number,
  startChainId?: number,
): Promise<Person<AnyPage>> {
  const walletOptions = {
    privateKey: chain.accounts[account],
    rpcUrl: chain.rpcUrl,
    chainId: chain.chainId,
    startChainId,
  };
  if ("engine" in browser) {
    const page = await browser.newPage();
    await page.addInitScript(RTC_TRACE_SCRIPT);
    const wallet = await installTestWallet(page, walletOptions);
    const problems = await page.watch();
    return { page, problems, address: wallet.address, wallet };
  }
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  await context.addInitScript(RTC_TRACE_SCRIPT);
  const wallet = await installTestWallet(context, walletOptions);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const problems = await watchPage(page);
  return { page, problems, address: wallet.address, wallet };
}

export async function shot(page: AnyPage, name: string): Promise<void> {
  await asTestPage(page).screenshot(`${RESULTS}${name}.png`);
}

export async function connectWallet(anyPage: AnyPage): Promise<void> {
  const page = asTestPage(anyPage);
  // The page may restore the last connection by itself a moment after it loads.
  const address = page.find("wallet-address");
  const option = page.find("wallet-option", { hasText: "Test Wallet" });
  for (let i = 0; i < 100 && !(await address.isVisible()); i++) {
    if (await option.isVisible()) {
      await option.click({ timeout: 1000 }).catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await address.waitFor();
}

export async function createRoom(
  anyPage: AnyPage,
  url: string,
  members?: string[],
): Promise<string> {
  const page = asTestPage(anyPage);
  await page.goto(url);
  await connectWallet(page);
  if (members) {
    await page.find("access-members").check();
    await page.find("members-input").fill(members.join("\n"));
  }
  await page.find("create-button").click();
  await page.find("room-created").waitFor();
  return (await page.find("room-link").text()).trim();
}

export async function joinRoom(anyPage: AnyPage, link: string): Promise<void> {
  const page = asTestPage(anyPage);
  await page.goto(link);
  await connectWallet(page);
  await page.find("join-room").click();
}

export async function sendMessage(anyPage: AnyPage, text: string): Promise<void> {
  const composer = asTestPage(anyPage).find("composer");
  const lines = text.split("\n");
  await composer.click();
  for (const [i, line] of lines.entries()) {
    if (i > 0) await composer.press("Shift+Enter");
    await composer.type(line);
  }
  await composer.press("Enter");
}

/** Firefox's report of a script whose bytes do not match its `integrity`; group 1 is the URL,
 * group 2 the hash of the bytes it had. */
const SRI_MISMATCH =
  /^pageerror: None of the [“"]sha384[”"] hashes in the integrity attribute match the content of the subresource at [“"](.+?)[”"]\. The computed hash is [“"](.+?)[”"]/;
/** SHA-384 of no bytes: the report of a load Firefox aborted before any byte came. */
const NOTHING_RECEIVED = "OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb";

/**
 * Problems other than expected ones: requests aborted because the test navigated away or cut
 * connections on purpose (Chromium `net::ERR_ABORTED`, Firefox `NS_BINDING_ABORTED`). Firefox
 * also checks the integrity of a script load it aborted, over the bytes it had (none, or a
 * prefix), and reports a mismatch: each aborted request excuses one such report for its URL,
 * no more, so a later load of that URL that really fails its check still counts. A report over
 * no bytes at all is excused too: its abort is not always reported before the test reads the
 * problems, and a script that really fails its check has bytes. (A signed-out session probe is
 * a 200, not an error.)
 *
 * @example
 * ```ts ignore
 * unexpected(["requestfailed: http://x/a.js NS_BINDING_ABORTED"]); // []
 * ```
 */
export function unexpected(problems: string[]): string[] {
  const aborted = new Map<string, number>();
  for (const p of problems) {
    const m = /^requestfailed: (\S+) NS_BINDING_ABORTED$/.exec(p);
    if (m) aborted.set(m[1], (aborted.get(m[1]) ?? 0) + 1);
  }
  return problems.filter((p) => {
    if (p.endsWith("net::ERR_ABORTED") || p.endsWith(" NS_BINDING_ABORTED")) return false;
    const [, url, hash] = SRI_MISMATCH.exec(p) ?? [];
    if (hash === NOTHING_RECEIVED) return false;
    const excused = url ? aborted.get(url) ?? 0 : 0;
    if (excused > 0) aborted.set(url!, excused - 1);
    return excused === 0;
  });
}

/** The other person's message containing `text` (a locator on a Playwright page). */
export function theirMessage(page: Page, text: string): Locator;
export function theirMessage(page: TestPage, text: string): Target;
export function theirMessage(page: AnyPage, text: string): Locator | Target {
  if ("engine" in page) {
    return page.find("message", { attrs: { "data-mine": "false" }, hasText: text });
  }
  return page.locator('[data-testid="message"][data-mine="false"]').filter({ hasText: text });
}

/**
 * Waits (bounded, past one connect timeout and retry) until every page shows an open, verified
 * peer; on failure, prints every page's cards and connection trace.
 */
export async function waitForOpenPeer(...pages: AnyPage[]): Promise<void> {
  for (const p of pages) await waitForOpenPeers(p, 1, pages);
}

/**
 * Waits (bounded, 30 s) until `page`'s session reaches `step`, read from the room's
 * `data-step` (the checklist itself is gone once a peer's link opens, which can come first). When
 * it does not, the error says which step the session is at and what the page shows (the
 * checklist and any banner), so a miss shows where the join stopped.
 */
export async function waitForSession(anyPage: AnyPage, step = "ready"): Promise<void> {
  const page = asTestPage(anyPage);
  for (let i = 0; i < 120; i++) {
    if (await page.find("live-room", { attrs: { "data-step": step } }).count() > 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  const told = await page.evaluate(() => {
    const text = (id: string) =>
      [...document.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)]
        .map((el) => el.innerText.replace(/\s+/g, " ").slice(0, 300));
    const room = document.querySelector<HTMLElement>('[data-testid="live-room"]');
    return `at step ${room?.dataset.step ?? "(not in a room)"} (${location.pathname}); ` +
      `steps: ${text("session-steps").join(" | ")}; banners: ${text("banner").join(" | ")}`;
  }, null).catch((e) => `(cannot read the page: ${e})`);
  throw new Error(`The session did not reach "${step}" in 30 s: ${told}`);
}

/**
 * Waits (bounded) until `page` shows `n` open, verified peers. When it does not, the error says
 * what each peer card of `page` and of the `others` says and what their connections did, so a
 * failure shows which link did not open, where it stopped on both sides, and why.
 */
export async function waitForOpenPeers(
  anyPage: AnyPage,
  n: number,
  others: readonly AnyPage[] = [],
): Promise<void> {
  const page = asTestPage(anyPage);
  for (let i = 0; i < 120; i++) {
    if (await page.find("peer", { attrs: { "data-state": "open" } }).count() >= n) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  const pages = [page, ...others.filter((o) => o !== anyPage).map(asTestPage)];
  const told = await Promise.all(pages.map(async (p, i) => {
    const cards = await labelled(p, '[data-testid="peer"]', "state");
    const banners = await labelled(p, '[data-testid="banner"] [data-kind]', "kind");
    const trace = await rtcTrace(p).catch((e) => [`(no trace: ${e})`]);
    const said = banners.length > 0 ? `\nbanners: ${banners.join(" | ")}` : "";
    return `page ${i} (${p.engine}) peers: ${cards.join(" | ")}${said}\n${trace.join("\n")}`;
  }));
  throw new Error(`Cannot see ${n} open peers on page 0\n${told.join("\n")}`);
}

/** Each element matching `selector` as "its `data-<key>`: its text", for a failure message. */
function labelled(page: TestPage, selector: string, key: string): Promise<string[]> {
  return page.evaluate(
    ([selector, key]) =>
      [...document.querySelectorAll<HTMLElement>(selector)].map((el) =>
        `${el.dataset[key]}: ${el.innerText.replace(/\s+/g, " ").slice(0, 200)}`
      ),
    [selector, key] as const,
  ).catch((e) => [`(cannot read: ${e})`]);
}

/**
 * The second person opens `link`, connects and joins; once both see a verified peer, each sends
 * one message and waits until the other shows it.
 */
export async function joinAndTalk(
  first: AnyPage,
  second: AnyPage,
  link: string,
  texts: [fromSecond: string, fromFirst: string],
): Promise<void> {
  await joinRoom(second, link);
  await waitForOpenPeer(first, second);
  await sendMessage(second, texts[0]);
  await asTestPage(first).find("message", { attrs: { "data-mine": "false" }, hasText: texts[0] })
    .waitFor();
  await sendMessage(first, texts[1]);
  await asTestPage(second).find("message", { attrs: { "data-mine": "false" }, hasText: texts[1] })
    .waitFor();
}
