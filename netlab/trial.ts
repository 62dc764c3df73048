/**
 * Connection tries between two homes: two people, each in a browser inside their home
 * namespace, with the real test wallet, enter the same on-chain room through the real app. One
 * try: the first person enters and is ready, the second enters; the time from "both in the
 * room" (the first peer card on either page) to "both links open" (verified, key-confirmed
 * channel), and the selected candidate pair on both sides once ICE has settled (a link may open
 * on a relay pair and switch to a punched one a moment later). Then both leave (the page's `bye`).
 * Odd tries swap the wallets, so each side is the offerer half of the time.
 * @module
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createRoom } from "../testing/server.ts";
import { installTestWallet } from "../tests/browser/eip1193_provider.ts";
import { connectWallet } from "../tests/browser/app_flow.ts";
import type { TestChain } from "../testing/chain.ts";
import {
  diagnose,
  installProbe,
  pairsInCheck,
  pathLabel,
  probeTimes,
  type SelectedPair,
  selectedPair,
} from "./page_probe.ts";

/** The outcome of one try. */
export interface TryResult {
  ok: boolean;
  /** Both in the room → both links open, ms (when ok). */
  ms?: number;
  /** E.g. "srflx/udp", "relay/tls" (when ok). */
  path?: string;
  /** Whether both pages' badges agree with their selected pairs. */
  badgeOk?: boolean;
  pairs?: [SelectedPair, SelectedPair];
  /** Why it failed. */
  error?: string;
}

/** How long one try may take to open before it counts as failed. */
export const TRY_TIMEOUT_MS = 40_000;
/** How long after the link opens ICE may still switch pairs before the path is judged. */
export const SETTLE_MS = 10_000;

/** Whether a side's selected pair goes through TURN (its own allocation or the peer's). */
function isRelayed(s: SelectedPair | null): boolean {
  return s?.local.type === "relay" || s?.remote.type === "relay";
}

interface Person {
  context: BrowserContext;
  page: Page;
}

async function person(browser: Browser, chain: TestChain, account: number): Promise<Person> {
  const context = await browser.newContext();
  await installTestWallet(context, {
    privateKey: chain.accounts[account],
    rpcUrl: chain.rpcUrl,
    chainId: chain.chainId,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(TRY_TIMEOUT_MS);
  await installProbe(page);
  return { context, page };
}

/**
 * Opens a URL; a navigation cut by a network change event is retried once (the event is the
 * lab's, not the product's: interfaces come up while the browser starts).
 *
 * @param page The page.
 * @param url Where to go.
 */
export async function gotoOnce(page: Page, url: string): Promise<void> {
  await page.goto(url).catch((e) => {
    if (!String(e).includes("ERR_NETWORK_CHANGED")) throw e;
    return page.goto(url);
  });
}

async function enter(p: Person, link: string): Promise<void> {
  await gotoOnce(p.page, link);
  await connectWallet(p.page);
  await p.page.getByTestId("join-room").click();
  // Ready: the steps say so, or the peer card is up already (the steps are gone by then).
  await p.page.locator('[data-testid="session-steps"][data-step="ready"], [data-testid="peer"]')
    .first().waitFor();
}

/**
 * Runs `tries` connection tries between a browser in home A and one in home B.
 *
 * @param a Browser inside home A.
 * @param b Browser inside home B.
 * @param chain The lab's chain (wallets sign in the test process, send to it).
 * @param appUrl The app's origin.
 * @param tries How many tries.
 * @param accounts Two development account indexes for the two people.
 * @returns One result per try.
 * @example
 * ```ts ignore
 * const results = await runTries(a, b, services.chain, services.appUrl, 10, [1, 2]);
 * ```
 */
export async function runTries(
  a: Browser,
  b: Browser,
  chain: TestChain,
  appUrl: string,
  tries: number,
  accounts: [number, number],
): Promise<TryResult[]> {
  const roomId = await createRoom(chain, accounts[0]);
  const link = `${appUrl}/room/${roomId}`;
  // Each side gets both wallets, so odd tries can swap who offers.
  const sideA = [await person(a, chain, accounts[0]), await person(a, chain, accounts[1])];
  const sideB = [await person(b, chain, accounts[1]), await person(b, chain, accounts[0])];
  const results: TryResult[] = [];
  try {
    for (let i = 0; i < tries; i++) {
      const pa = sideA[i % 2];
      const pb = sideB[i % 2];
      results.push(await oneTry(pa, pb, link));
      await Promise.all([pa.page.goto("about:blank"), pb.page.goto("about:blank")]);
    }
  } finally {
    for (const p of [...sideA, ...sideB]) await p.context.close().catch(() => {});
  }
  return results;
}

async function oneTry(pa: Person, pb: Person, link: string): Promise<TryResult> {
  let phase = "A enters";
  try {
    await enter(pa, link);
    phase = "B enters";
    await enter(pb, link);
    phase = "links open";
    const open = '[data-testid="peer"][data-state="open"]';
    await Promise.all([pa.page.locator(open).waitFor(), pb.page.locator(open).waitFor()]);
    const badge = '[data-testid="path-badge"]';
    await Promise.all([pa.page.locator(badge).waitFor(), pb.page.locator(badge).waitFor()]);
    const [ta, tb] = await Promise.all([probeTimes(pa.page), probeTimes(pb.page)]);
    const read = () => Promise.all([selectedPair(pa.page), selectedPair(pb.page)]);
    const agree = (s: SelectedPair | null) => s?.badge === (isRelayed(s) ? "relay" : "direct");
    let [sa, sb] = await read();
    if (!sa || !sb) return { ok: false, error: "open, but no selected candidate pair in getStats" };
    // The link may open on a relay pair while a punched one is still being checked: the path is
    // judged once ICE has settled (a direct pair selected, or no pair left in check on either
    // side), within SETTLE_MS.
    for (const end = Date.now() + SETTLE_MS; Date.now() < end;) {
      if (!isRelayed(sa) && !isRelayed(sb)) break;
      const checking = await Promise.all([pairsInCheck(pa.page), pairsInCheck(pb.page)]);
      if (checking[0] + checking[1] === 0) break;
      await new Promise((r) => setTimeout(r, 250));
      [sa, sb] = await read();
      if (!sa || !sb) return { ok: false, error: "open, but the selected pair went away" };
    }
    // The browser may switch pairs just as the link opens; the badge follows within a moment.
    if (!agree(sa) || !agree(sb)) {
      await new Promise((r) => setTimeout(r, 1000));
      [sa, sb] = await read();
      if (!sa || !sb) return { ok: false, error: "open, but the selected pair went away" };
    }
    const badgeOk = agree(sa) && agree(sb);
    return {
      ok: true,
      ms: Math.max(ta.open, tb.open) - Math.min(ta.seen, tb.seen),
      path: pathLabel(sa, sb),
      badgeOk,
      pairs: [sa, sb],
    };
  } catch (e) {
    const [da, db] = await Promise.all([diagnose(pa.page), diagnose(pb.page)]);
    const why = (e instanceof Error ? e.message.split("\n")[0] : String(e)).slice(0, 160);
    return { ok: false, error: `${phase}: ${why}; A: ${da}; B: ${db}` };
  }
}
