/**
 * A relayed chat that outlives its TURN credentials. The lab's server hands out credentials
 * valid 60 s (`MESH3_TURN_TTL_SECONDS=60`) and coturn grants allocations of 60 s (browsers
 * refresh them every 30 s), so during the hold the allocation is refreshed with a username whose
 * expiry has passed. Two people behind symmetric NATs (relay is the only path) connect, stay
 * `holdMs`, then send a message each way: does the chat survive, and how (ICE states)?
 * @module
 */
import type { Browser } from "playwright-core";
import { createRoom } from "../app/server/test_kit.ts";
import { connectWallet, sendMessage, theirMessage } from "../tests/browser/app_flow.ts";
import { installTestWallet } from "../tests/browser/eip1193_provider.ts";
import type { MatrixLab } from "./matrix.ts";
import { iceStates, installProbe, pathLabel, selectedPair } from "./page_probe.ts";
import { cleanSlot } from "./slots.ts";
import { makeSite, type Site } from "./topology.ts";

/** Server and coturn settings of the expiry lab. */
export const EXPIRY_LAB = {
  env: { MESH3_TURN_TTL_SECONDS: "60" },
  coturnArgs: ["--max-allocate-lifetime=60"],
} as const;

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
    sites.push(await makeSite(lab.inet, 201, "symmetric", { netem: lab.netem }));
    sites.push(await makeSite(lab.inet, 202, "symmetric", { netem: lab.netem }));
    const { chain, appUrl } = lab.services;
    const link = `${appUrl}/room/${await createRoom(chain, 1)}`;
    const pages = [];
    for (const [i, site] of sites.entries()) {
      const browser = await lab.launcher.launch(site.homes[0].ns, lab.certs, lab.scratch);
      browsers.push(browser);
      const context = await browser.newContext();
      await installTestWallet(context, {
        privateKey: chain.accounts[1 + i],
        rpcUrl: chain.rpcUrl,
        chainId: chain.chainId,
      });
      const page = await context.newPage();
      page.setDefaultTimeout(60_000);
      await installProbe(page);
      await page.goto(link);
      await connectWallet(page);
      await page.getByTestId("join-room").click();
      pages.push(page);
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
