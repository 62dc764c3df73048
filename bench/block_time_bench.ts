/**
 * Benchmark 10, block times: "open room link → first message possible" in real Chromium on the
 * real server, with the chain mining at once (0 s, the local default, the baseline), every 2 s
 * (like an L2) and every 12 s (like Ethereum). For each block time, one person waits in a room;
 * each run a new person (fresh browser context, new account) opens the link, connects the test
 * wallet, presses "Join room", and is timed until the composer is usable with a verified peer.
 * Marks in the page (a MutationObserver) split it: commit sent, commit mined, signed in and ready,
 * peer open.
 * @module
 */
import type { Browser, Page } from "playwright-core";
import type { TestChain } from "../testing/chain.ts";
import { connectWallet, person } from "../tests/browser/app_flow.ts";
import { startAppServer } from "../tests/browser/app_server.ts";
import { launchChromium } from "../tests/browser/chromium.ts";
import { median } from "./stats.ts";

/** Medians for one block time. */
export interface BlockTimeRow {
  blockMs: number;
  /** Link opened → first message possible, ms. */
  totalMs: number;
  /** Link opened → commit transaction sent / mined / session ready / peer open, ms. */
  steps: { sent: number; mined: number; ready: number; open: number };
  runs: number[];
}

/** Results of benchmark 10. */
export interface BlockTimeReport {
  rows: BlockTimeRow[];
}

type Log = (line: string) => void;
type Marks = { sent?: number; mined?: number; ready?: number; open?: number };

/** Records when the join passes each step, in the page's clock (installed before any script). */
function markSteps(): void {
  const marks: Marks = {};
  (globalThis as unknown as { __mesh3Marks: Marks }).__mesh3Marks = marks;
  const at = (key: keyof Marks, selector: string) => {
    if (marks[key] === undefined && document.querySelector(selector)) {
      marks[key] = performance.now();
    }
  };
  new MutationObserver(() => {
    at("sent", '[data-testid="commit-tx"][data-phase="pending"]');
    at("mined", '[data-testid="commit-tx"][data-phase="mined"]');
    at("ready", '[data-testid="session-steps"][data-step="ready"]');
    at("open", '[data-testid="peer"][data-state="open"]');
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

/** Runs benchmark 10: `runs` joins per block time (accounts 5 and up join; 4 waits). */
export async function blockTimeBench(
  chain: TestChain,
  log: Log,
  blockTimes = [0, 2000, 12_000],
  runs = 3,
): Promise<BlockTimeReport> {
  const app = await startAppServer(chain);
  let browser: Browser | undefined;
  const rows: BlockTimeRow[] = [];
  let account = 5;
  try {
    browser = await launchChromium();
    for (const blockMs of blockTimes) {
      await chain.setBlockTime(blockMs);
      const host = await person(browser, chain, 4);
      await host.page.goto(app.url);
      await connectWallet(host.page);
      await host.page.getByTestId("create-button").click();
      await host.page.getByTestId("room-created").waitFor({ timeout: 120_000 });
      const link = (await host.page.getByTestId("room-link").innerText()).trim();
      await host.page.goto(link);
      await host.page.getByTestId("join-room").click();
      await host.page.locator('[data-testid="session-steps"][data-step="ready"]').waitFor({
        timeout: 120_000,
      });
      const samples: { total: number; marks: Required<Marks> }[] = [];
      for (let i = 0; i < runs; i++) {
        const guest = await person(browser, chain, account++);
        try {
          samples.push(await timeJoin(guest.page, link));
        } finally {
          await guest.page.context().close();
        }
      }
      await host.page.context().close();
      const m = (k: keyof Marks) => median(samples.map((s) => s.marks[k]));
      const row: BlockTimeRow = {
        blockMs,
        totalMs: median(samples.map((s) => s.total)),
        steps: { sent: m("sent"), mined: m("mined"), ready: m("ready"), open: m("open") },
        runs: samples.map((s) => Math.round(s.total)),
      };
      rows.push(row);
      log(
        `block time ${blockMs / 1000} s: link → first message possible ${
          (row.totalMs / 1000).toFixed(1)
        } s (commit sent ${(row.steps.sent / 1000).toFixed(1)}, mined ${
          (row.steps.mined / 1000).toFixed(1)
        }, ready ${(row.steps.ready / 1000).toFixed(1)}, peer open ${
          (row.steps.open / 1000).toFixed(1)
        })`,
      );
    }
  } finally {
    await chain.setBlockTime(0).catch(() => {});
    await browser?.close();
    await app.stop();
  }
  return { rows };
}

/** Opens the link, connects, joins; ms from navigation start until a message can be sent. */
async function timeJoin(page: Page, link: string) {
  await page.addInitScript(markSteps);
  await page.goto(link);
  await connectWallet(page);
  await page.getByTestId("join-room").click();
  const composer = page.locator('[data-testid="composer"]:not([disabled])');
  await page.locator('[data-testid="peer"][data-state="open"]').waitFor({ timeout: 120_000 });
  await composer.waitFor({ timeout: 30_000 });
  const [total, marks] = await page.evaluate(() =>
    [
      performance.now(),
      (globalThis as unknown as { __mesh3Marks: Marks }).__mesh3Marks,
    ] as const
  );
  const full = marks as Marks;
  return {
    total,
    marks: {
      sent: full.sent ?? NaN,
      mined: full.mined ?? NaN,
      ready: full.ready ?? NaN,
      open: full.open ?? NaN,
    },
  };
}
