/**
 * A relayed chat that outlives its TURN credentials. The lab's server hands out credentials
 * valid 60 s (`MESH3_TURN_TTL_SECONDS=60`) and coturn grants allocations of 60 s (browsers
 * refresh them every 30 s), so during the hold the allocation is refreshed with a username whose
 * expiry has passed. Two people behind symmetric NATs (relay is the only path) connect, stay
 * `holdMs`, then send a message each way: does the chat survive, and how (ICE states)?
 *
 * And a late joiner: A, behind a firewall that drops UDP (so A itself needs a TURN allocation,
 * over TCP), enters and waits past its credentials' expiry before B (symmetric NAT) enters. A's
 * new link must gather with fresh credentials, or it gets no relay and never connects.
 * @module
 */
import type { Browser } from "playwright-core";
import { createRoom } from "../testing/server.ts";
import { connectWallet, sendMessage, theirMessage } from "../tests/browser/app_flow.ts";
import { installTestWallet } from "../tests/browser/eip1193_provider.ts";
import type { MatrixLab } from "./matrix.ts";
import { diagnose, iceStates, installProbe, pathLabel, selectedPair } from "./page_probe.ts";
import { cleanSlot } from "./slots.ts";
import { makeSite, type Site } from "./topology.ts";
import { gotoOnce } from "./trial.ts";

/** Server and coturn settings of the expiry lab. */
export const EXPIRY_LAB = {
  env: { MESH3_TURN_TTL_SECONDS: "60" },
  coturnArgs: ["--max-allocate-lifetime=60"],
} as const;

/** What the late-join scenario saw. */
export interface LateJoinResult {
  waitS: number;
  ok: boolean;
  path?: string;
  error?: string;
}

async function enterPerson(lab: MatrixLab, site: Site, account: number, link: string) {
  const { chain } = lab.services;
  const browser = await lab.launcher.launch(site.homes[0].ns, lab.certs, lab.scratch);
  const context = await browser.newContext();
  await installTestWallet(context, {
    privateKey: chain.accounts[account],
    rpcUrl: chain.rpcUrl,
    chainId: chain.chainId,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  await installProbe(page);
  await gotoOnce(page, link);
  await connectWallet(page);
  await page.getByTestId("join-room").click();
  await page.locator('[data-testid="session-steps"][data-step="ready"], [data-testid="peer"]')
    .first().waitFor();
  return { browser, page };
}

/**
 * A (UDP blocked) waits `waitMs` in the room, then B (symmetric NAT) enters.
 *
 * @param lab A lab started with {@linkcode EXPIRY_LAB}.
 * @param waitMs How long A waits alone (past the 60 s credentials).
 * @returns Whether the link opened, and over which path.
 */
export async function runLateJoin(lab: MatrixLab, waitMs: number): Promise<LateJoinResult> {
  const sites: Site[] = [];
  const browsers: Browser[] = [];
  const result: LateJoinResult = { waitS: waitMs / 1000, ok: false };
  try {
    sites.push(await makeSite(lab.inet, 152, "udp-blocked", { netem: lab.netem }));
    sites.push(await makeSite(lab.inet, 153, "symmetric", { netem: lab.netem }));
    const link = `${lab.services.appUrl}/room/${await createRoom(lab.services.chain, 1)}`;
    const a = await enterPerson(lab, sites[0], 1, link);
    browsers.push(a.browser);
    await new Promise((r) => setTimeout(r, waitMs));
    const b = await enterPerson(lab, sites[1], 2, link);
    browsers.push(b.browser);
    try {
      for (const p of [a.page, b.page]) {
        await p.locator('[data-testid="peer"][data-state="open"]').waitFor({ timeout: 40_000 });
      }
      const [sa, sb] = await Promise.all([selectedPair(a.page), selectedPair(b.page)]);
      result.path = sa && sb ? pathLabel(sa, sb) : "none";
      result.ok = true;
    } catch (e) {
      const [da, db] = await Promise.all([diagnose(a.page), diagnose(b.page)]);
      result.error =
        `${(e instanceof Error ? e.message.split("\n")[0] : String(e)).slice(0, 120)}` +
        `; A: ${da}; B: ${db}`;
    }
    return result;
  } finally {
    for (const b of browsers) await b.close().catch(() => {});
    const names = sites.flatMap((s) => [s.router, ...s.homes.map((h) => h.ns)]);
    await cleanSlot(lab.inet.slot, names);
  }
}

/** What the expiry scenario saw. */
export interface ExpiryResult {
  holdS: number;
  /** Both messages arrived after the hold. */
  ok: boolean;
  pathBefore?: string;
  pathAfter?: string;
  /** ICE connection states of each side during the whole session. */
  iceStates: [string[], string[]];
  error?: string;
}

/**
 * Runs the scenario in a lab started with {@linkcode EXPIRY_LAB}.
 *
 * @param lab The running lab.
 * @param holdMs How long the chat stays open before the messages.
 * @returns What happened.
 */
export async function runExpiry(lab: MatrixLab, holdMs: number): Promise<ExpiryResult> {
  const sites: Site[] = [];
  const browsers: Browser[] = [];
  const result: ExpiryResult = { holdS: holdMs / 1000, ok: false, iceStates: [[], []] };
  try {
    sites.push(await makeSite(lab.inet, 150, "symmetric", { netem: lab.netem }));
    sites.push(await makeSite(lab.inet, 151, "symmetric", { netem: lab.netem }));
    const link = `${lab.services.appUrl}/room/${await createRoom(lab.services.chain, 1)}`;
    const pages = [];
    for (const [i, site] of sites.entries()) {
      const person = await enterPerson(lab, site, 1 + i, link);
      browsers.push(person.browser);
      pages.push(person.page);
    }
    const [a, b] = pages;
    for (const p of pages) await p.locator('[data-testid="peer"][data-state="open"]').waitFor();
    const label = async () => {
      const [sa, sb] = await Promise.all([selectedPair(a), selectedPair(b)]);
      return sa && sb ? pathLabel(sa, sb) : "none";
    };
    result.pathBefore = await label();
    await new Promise((r) => setTimeout(r, holdMs));
    try {
      await sendMessage(a, "after the credentials expired, A to B");
      await theirMessage(b, "A to B").waitFor();
      await sendMessage(b, "after the credentials expired, B to A");
      await theirMessage(a, "B to A").waitFor();
      result.ok = true;
    } catch (e) {
      result.error = (e instanceof Error ? e.message.split("\n")[0] : String(e)).slice(0, 200);
    }
    result.pathAfter = await label();
    result.iceStates = [await iceStates(a), await iceStates(b)];
    return result;
  } finally {
    for (const b of browsers) await b.close().catch(() => {});
    const names = sites.flatMap((s) => [s.router, ...s.homes.map((h) => h.ns)]);
    await cleanSlot(lab.inet.slot, names);
  }
}
