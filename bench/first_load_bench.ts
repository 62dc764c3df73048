/**
 * Benchmark 9, first load: the real app in headless Chromium on a cold cache (a fresh browser
 * context per load), `/` and a room page, served by two servers of the same run: the app as built
 * today (islands split per page, heavy parts loaded on use, brotli/gzip) and the baseline, the
 * one-file uncompressed bundle the app shipped before (`buildAssets({ split: false })`, served
 * without compressed forms). Bytes over the wire come from Chromium's own network events
 * (`encodedDataLength`); time to interactive is when the page's island has hydrated and its wallet
 * panel lists the wallet (the first thing a person can press), from navigation start. Two network
 * profiles: loopback as is, and Lighthouse's mobile throttling through Chromium's own emulation
 * (150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up, CPU 4× slower).
 * @module
 */
import type { Browser, CDPSession } from "playwright-core";
import { type Assets, buildAssets } from "../app/server/web/mod.ts";
import type { TestChain } from "../testing/chain.ts";
import { createRoom } from "../testing/server.ts";
import { startAppServer } from "../tests/browser/app_server.ts";
import { launchChromium } from "../tests/browser/chromium.ts";
import { installTestWallet } from "../tests/browser/eip1193_provider.ts";
import { median } from "./stats.ts";

/** One network profile. */
interface Profile {
  name: string;
  network?: { latency: number; downloadThroughput: number; uploadThroughput: number };
  cpu?: number;
}

const PROFILES: Profile[] = [
  { name: "loopback" },
  // Lighthouse's mobile throttling ("Slow 4G" with a mid-range phone's CPU).
  {
    name: "mobile (150 ms RTT, 1.6 Mbit/s, CPU ×4)",
    network: { latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 },
    cpu: 4,
  },
];

/** Medians of one (build, page, profile). */
export interface FirstLoadRow {
  build: "today" | "baseline";
  page: "/" | "room";
  profile: string;
  /** Bytes received until interactive, all resources (HTML, CSS, JS). */
  bytesToInteractive: number;
  /** JavaScript bytes received until interactive. */
  jsBytesToInteractive: number;
  /** All bytes once the network is quiet (includes code fetched after interactive). */
  bytesSettled: number;
  /** Time to interactive, ms from navigation start. */
  ttiMs: number;
  runs: number[];
}

/** Results of benchmark 9. */
export interface FirstLoadReport {
  rows: FirstLoadRow[];
  /** Gzip size of the JavaScript a cold `/` needs before it is interactive (today's build). */
  homeJsGzip: number;
}

type Log = (line: string) => void;

/** Runs benchmark 9 against `chain`: `runs` cold loads per build, page and profile. */
export async function firstLoadBench(
  chain: TestChain,
  log: Log,
  runs = 5,
): Promise<FirstLoadReport> {
  const pin = { chainId: chain.chainId, registry: chain.registry };
  const today = await buildAssets({ minify: true, pin });
  const baseline = uncompressed(await buildAssets({ minify: true, split: false, pin }));
  const roomId = await createRoom(chain, 1);
  const servers = await Promise.all([
    startAppServer(chain, { assets: today }),
    startAppServer(chain, { assets: baseline }),
  ]);
  const browser = await launchChromium();
  const rows: FirstLoadRow[] = [];
  try {
    for (const profile of PROFILES) {
      for (const page of ["/", "room"] as const) {
        for (const [build, server] of [["baseline", servers[1]], ["today", servers[0]]] as const) {
          const samples: Sample[] = [];
          const path = page === "/" ? "/" : `/room/${roomId}`;
          for (let i = 0; i < runs; i++) {
            samples.push(await coldLoad(browser, chain, server.url + path, profile));
          }
          const row: FirstLoadRow = {
            build,
            page,
            profile: profile.name,
            bytesToInteractive: median(samples.map((s) => s.bytes)),
            jsBytesToInteractive: median(samples.map((s) => s.jsBytes)),
            bytesSettled: median(samples.map((s) => s.settledBytes)),
            ttiMs: median(samples.map((s) => s.tti)),
            runs: samples.map((s) => Math.round(s.tti)),
          };
          rows.push(row);
          log(
            `first load: ${build} ${page} ${profile.name}: ${
              (row.bytesToInteractive / 1024).toFixed(1)
            } KiB ` +
              `(JS ${(row.jsBytesToInteractive / 1024).toFixed(1)}) to interactive in ${
                row.ttiMs.toFixed(0)
              } ms, ` +
              `${(row.bytesSettled / 1024).toFixed(1)} KiB settled`,
          );
        }
      }
    }
  } finally {
    await browser.close();
    for (const s of servers) await s.stop();
  }
  let homeJsGzip = 0;
  for (const url of [today.script, ...(today.preload.get("Home") ?? [])]) {
    const f = today.files.get(url)!;
    homeJsGzip += f.gzip?.length ?? f.body.length;
  }
  return { rows, homeJsGzip };
}

/** The same assets without compressed forms: served as they are, like the baseline was. */
function uncompressed(a: Assets): Assets {
  const files = new Map(
    [...a.files].map(([u, f]) => [u, { body: f.body, contentType: f.contentType }]),
  );
  return { ...a, files };
}

interface Sample {
  bytes: number;
  jsBytes: number;
  settledBytes: number;
  tti: number;
}

/** Marks when the island has hydrated and a wallet can be picked (installed before any script). */
function markInteractive(): void {
  const check = () => {
    const w = globalThis as unknown as { __mesh3Interactive?: number };
    if (w.__mesh3Interactive) return;
    const hydrated = document.querySelector("mesh3-island[data-hydrated]");
    const option = document.querySelector('[data-testid="wallet-option"]');
    if (hydrated && option) w.__mesh3Interactive = performance.now();
  };
  new MutationObserver(check).observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
  });
}

async function coldLoad(
  browser: Browser,
  chain: TestChain,
  url: string,
  profile: Profile,
): Promise<Sample> {
  const context = await browser.newContext();
  try {
    await installTestWallet(context, {
      privateKey: chain.accounts[2],
      rpcUrl: chain.rpcUrl,
      chainId: chain.chainId,
    });
    const page = await context.newPage();
    await page.addInitScript(markInteractive);
    const cdp: CDPSession = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    if (profile.network) {
      await cdp.send("Network.emulateNetworkConditions", { offline: false, ...profile.network });
    }
    if (profile.cpu) await cdp.send("Emulation.setCPUThrottlingRate", { rate: profile.cpu });
    let lastFinished = performance.now();
    cdp.on("Network.loadingFinished", () => lastFinished = performance.now());
    await page.goto(url);
    await page.waitForFunction(() => "__mesh3Interactive" in globalThis, null, { timeout: 60_000 });
    // Quiet network: nothing finished for 1 s (bounded at 20 s).
    for (let i = 0; i < 200 && performance.now() - lastFinished < 1000; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    // Resource Timing, in the page's own clock: transferSize is the bytes over the wire
    // (headers and encoded body), responseEnd when the last byte arrived.
    return await page.evaluate(() => {
      const tti = (globalThis as unknown as { __mesh3Interactive: number }).__mesh3Interactive;
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      const res = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
      const before = res.filter((r) => r.responseEnd <= tti);
      const js = (r: PerformanceResourceTiming) => new URL(r.name).pathname.endsWith(".js");
      const sum = (list: PerformanceResourceTiming[]) =>
        list.reduce((n, r) => n + r.transferSize, 0);
      return {
        tti,
        bytes: nav.transferSize + sum(before),
        jsBytes: sum(before.filter(js)),
        settledBytes: nav.transferSize + sum(res),
      };
    });
  } finally {
    await context.close();
  }
}
