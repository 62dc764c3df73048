/**
 * Benchmark 7, files (issue 12): the real app in two Chromium browsers, each its own process
 * tree with a profile on disk (so the origin's private file system is on disk, as for a person),
 * on the real server and chain, direct and relay only through a real coturn.
 *
 * - **Throughput.** A file made on disk (pseudo-random) is picked through the real file input and
 *   sent by the real engine: sealed chunks on the file channel, written to disk by the receiver,
 *   SHA-256 checked. Timed in the receiver's page from its Accept click to the card saying
 *   "Received and checked" (the sender hashes the file before offering: not in the time, reported
 *   apart). Baseline in the same pages, over the same connection (a negotiated raw DataChannel
 *   on the engine's RTCPeerConnection): the same file read in the same chunks, the same
 *   high/low water marks, sent in the clear, received and counted. Sizes 64 MiB and 1 GiB, each
 *   path, alternating encrypted and raw.
 * - **Memory.** During the 1 GiB direct transfer: each page's JS heap (CDP `Runtime.getHeapUsage`)
 *   and the RSS of each browser's process tree and of its largest renderer (/proc), sampled every
 *   500 ms; growth over the value just before the transfer.
 * - **Text latency.** During the same transfer the sender sends a chat text every 250 ms through
 *   the composer; the receiver's page notes when each appears: send → shown, p50/p99/max.
 * @module
 */
import { type BrowserContext, chromium, type Page } from "playwright-core";
import type { TestChain } from "../testing/chain.ts";
import { connectWallet, createRoom, joinRoom, waitForOpenPeer } from "../tests/browser/app_flow.ts";
import { startAppServer, type TestAppServer } from "../tests/browser/app_server.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../tests/browser/chromium.ts";
import { type Coturn, startCoturn } from "../tests/browser/coturn.ts";
import { installTestWallet } from "../tests/browser/eip1193_provider.ts";
import {
  accept,
  fileCard,
  fileTestHooks,
  pickFiles,
  type TestFile,
  writeRandomFile,
} from "../tests/browser/file_flow.ts";
import { playwrightPage } from "../tests/browser/playwright_page.ts";
import type { TestPage } from "../tests/browser/test_page.ts";
import { readRss, sleep } from "./process.ts";
import { chunkSizeFor, HIGH_WATER, LOW_WATER } from "../app/client/files/file_link.ts";
import { percentile } from "./stats.ts";

const MiB = 1024 * 1024;

/** One throughput measurement. */
export interface FileRun {
  path: "direct" | "relay";
  bytes: number;
  encryptedMBps: number;
  rawMBps: number;
  /** Seconds the sender spent hashing the file before offering it. */
  hashSeconds: number;
}

/** What benchmark 7 reports. */
export interface FileBenchReport {
  chunk: number;
  runs: FileRun[];
  memory: {
    bytes: number;
    samples: number;
    /** Peak growth over the value before the transfer, MiB. */
    senderHeapMiB: number;
    receiverHeapMiB: number;
    senderRendererRssMiB: number;
    receiverRendererRssMiB: number;
    senderTreeRssMiB: number;
    receiverTreeRssMiB: number;
  };
  latency: { samples: number; sent: number; p50: number; p99: number; max: number };
}

interface Side {
  context: BrowserContext;
  page: Page;
  test: TestPage;
  dir: string;
  pid: number;
}

type Log = (line: string) => void;

async function openSide(chain: TestChain, account: number): Promise<Side> {
  const dir = await Deno.makeTempDir({ prefix: "mesh3-bench-profile-" });
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport: { width: 1100, height: 900 },
  });
  await installTestWallet(context, {
    privateKey: chain.accounts[account],
    rpcUrl: chain.rpcUrl,
    chainId: chain.chainId,
  });
  await context.addInitScript(fileTestHooks());
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(120_000);
  return { context, page, test: playwrightPage(page), dir, pid: await browserPid(dir) };
}

/** The browser process started with this profile (its cmdline names the folder). */
async function browserPid(dir: string): Promise<number> {
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const cmd = await Deno.readTextFile(`/proc/${e.name}/cmdline`).catch(() => "");
    if (cmd.includes(`--user-data-dir=${dir}`) && !cmd.includes("--type=")) return Number(e.name);
  }
  throw new Error(`Cannot find the browser process of ${dir}`);
}

/** RSS of a process tree and of its largest renderer, bytes. */
async function treeRss(root: number): Promise<{ tree: number; renderer: number }> {
  const parent = new Map<number, number>();
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const stat = await Deno.readTextFile(`/proc/${e.name}/stat`).catch(() => "");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid) parent.set(Number(e.name), ppid);
  }
  const inTree = (pid: number) => {
    for (let p = pid, i = 0; p && i < 20; p = parent.get(p) ?? 0, i++) if (p === root) return true;
    return false;
  };
  let tree = 0;
  let renderer = 0;
  for (const pid of [root, ...parent.keys()].filter(inTree)) {
    const rss = await readRss(pid).catch(() => 0);
    tree += rss;
    const cmd = await Deno.readTextFile(`/proc/${pid}/cmdline`).catch(() => "");
    if (cmd.includes("--type=renderer")) renderer = Math.max(renderer, rss);
  }
  return { tree, renderer };
}

/** Runs in the pages: a raw DataChannel on the engine's connection, and a text-arrival log. */
function pageTools(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  const now = () => performance.timeOrigin + performance.now();
  g.__arrivals = [] as number[];
  new MutationObserver((records) => {
    for (const r of records) {
      for (const n of r.addedNodes) {
        const text = (n as HTMLElement).querySelector?.('[data-testid="message-text"]')
          ?.textContent;
        const m = text?.match(/^latency (\d+(\.\d+)?)$/);
        if (m) (g.__arrivals as number[]).push(now() - Number(m[1]));
      }
    }
  }).observe(document, { childList: true, subtree: true });
}

async function openRaw(side: Side): Promise<void> {
  await side.page.evaluate(() => {
    const g = globalThis as unknown as Record<string, unknown>;
    const pcs = g.__pcs as RTCPeerConnection[];
    const pc = pcs.findLast((p) => p.connectionState === "connected")!;
    const dc = pc.createDataChannel("bench-raw", { negotiated: true, id: 900 });
    dc.binaryType = "arraybuffer";
    g.__raw = dc;
    g.__rawReceived = 0;
    dc.onmessage = (e) => {
      g.__rawReceived = (g.__rawReceived as number) + (e.data as ArrayBuffer).byteLength;
      g.__rawLast = performance.timeOrigin + performance.now();
    };
  });
}

/** The raw baseline: the sender reads and sends the file in chunks; returns MB/s. */
async function rawRun(from: Side, to: Side, file: TestFile, chunk: number): Promise<number> {
  await to.page.evaluate(() => {
    (globalThis as unknown as Record<string, unknown>).__rawReceived = 0;
  });
  await from.page.evaluate(() => {
    const input = document.createElement("input");
    input.type = "file";
    input.id = "bench-file";
    input.hidden = true;
    document.getElementById("bench-file")?.remove();
    document.body.append(input);
  });
  await from.page.locator("#bench-file").setInputFiles(file.path);
  const started = await from.page.evaluate(async ([chunk, high, low]) => {
    const g = globalThis as unknown as Record<string, unknown>;
    const dc = g.__raw as RTCDataChannel;
    const f = (document.getElementById("bench-file") as HTMLInputElement).files![0];
    dc.bufferedAmountLowThreshold = low;
    const t0 = performance.timeOrigin + performance.now();
    for (let at = 0; at < f.size; at += chunk) {
      if (dc.bufferedAmount > high) {
        await new Promise((r) => dc.addEventListener("bufferedamountlow", r, { once: true }));
      }
      dc.send(await f.slice(at, at + chunk).arrayBuffer());
    }
    return t0;
  }, [chunk, HIGH_WATER, LOW_WATER] as const);
  await to.page.waitForFunction(
    (size) => (globalThis as unknown as Record<string, number>).__rawReceived >= size,
    file.size,
    { timeout: 600_000, polling: 50 },
  );
  const last = await to.page.evaluate(() =>
    (globalThis as unknown as Record<string, number>).__rawLast
  );
  return file.size / MiB / ((last - started) / 1000);
}

/** The real engine: pick, hash, offer, accept, chunks, check. Returns MB/s and hash seconds. */
async function encryptedRun(
  from: Side,
  to: Side,
  file: TestFile,
  during: () => Promise<void>,
  finished: () => void,
): Promise<{ mbps: number; hashSeconds: number }> {
  const picked = performance.now();
  await pickFiles(from.test, file);
  await fileCard(to.test, file.name, "in", "offered").waitFor({ timeout: 300_000 });
  const hashSeconds = (performance.now() - picked) / 1000;
  const t0 = await to.page.evaluate(() => performance.timeOrigin + performance.now());
  await accept(to.test, file.name);
  const work = during();
  try {
    await fileCard(to.test, file.name, "in", "done").waitFor({ timeout: 900_000 });
  } finally {
    finished();
  }
  const t1 = await to.page.evaluate(() => performance.timeOrigin + performance.now());
  await work;
  return { mbps: file.size / MiB / ((t1 - t0) / 1000), hashSeconds };
}

/** Memory and text latency while `transferring()` is unfinished. */
async function watch(from: Side, to: Side, transferring: () => boolean) {
  const heap = async (s: Side) => {
    const cdp = await s.context.newCDPSession(s.page);
    try {
      return (await cdp.send("Runtime.getHeapUsage")).usedSize;
    } finally {
      await cdp.detach();
    }
  };
  const sample = async () => ({
    sh: await heap(from),
    rh: await heap(to),
    s: await treeRss(from.pid),
    r: await treeRss(to.pid),
  });
  const base = await sample();
  const peak = { ...base, s: { ...base.s }, r: { ...base.r } };
  let samples = 0;
  let sent = 0;
  const sender = (async () => {
    while (transferring()) {
      await from.page.evaluate(() => {
        const box = document.querySelector('[data-testid="composer"]') as HTMLTextAreaElement;
        const set = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value")!.set!;
        set.call(box, `latency ${performance.timeOrigin + performance.now()}`);
        box.dispatchEvent(new Event("input", { bubbles: true }));
        (document.querySelector('[data-testid="send"]') as HTMLButtonElement).click();
      });
      sent++;
      await sleep(250);
    }
  })();
  while (transferring()) {
    const v = await sample();
    samples++;
    peak.sh = Math.max(peak.sh, v.sh);
    peak.rh = Math.max(peak.rh, v.rh);
    for (const k of ["s", "r"] as const) {
      peak[k].tree = Math.max(peak[k].tree, v[k].tree);
      peak[k].renderer = Math.max(peak[k].renderer, v[k].renderer);
    }
    await sleep(500);
  }
  await sender;
  await sleep(500);
  const arrivals = await to.page.evaluate(() =>
    (globalThis as unknown as { __arrivals: number[] }).__arrivals
  );
  const m = (x: number) => x / MiB;
  return {
    memory: {
      samples,
      senderHeapMiB: m(peak.sh - base.sh),
      receiverHeapMiB: m(peak.rh - base.rh),
      senderRendererRssMiB: m(peak.s.renderer - base.s.renderer),
      receiverRendererRssMiB: m(peak.r.renderer - base.r.renderer),
      senderTreeRssMiB: m(peak.s.tree - base.s.tree),
      receiverTreeRssMiB: m(peak.r.tree - base.r.tree),
    },
    latency: {
      samples: arrivals.length,
      sent,
      p50: percentile(arrivals, 0.5),
      p99: percentile(arrivals, 0.99),
      max: Math.max(...arrivals),
    },
  };
}

/**
 * Runs benchmark 7.
 *
 * @param chain The bench's test chain.
 * @param sizes File sizes (default 64 MiB and 1 GiB).
 */
export async function fileBench(
  chain: TestChain,
  log: Log,
  sizes = [64 * MiB, 1024 * MiB],
): Promise<FileBenchReport> {
  const dir = await Deno.makeTempDir({ prefix: "mesh3-bench-files-" });
  let turn: Coturn | undefined;
  const apps: TestAppServer[] = [];
  const sides: Side[] = [];
  const runs: FileRun[] = [];
  let watched: Awaited<ReturnType<typeof watch>> | undefined;
  try {
    turn = await startCoturn();
    apps.push(await startAppServer(chain));
    apps.push(
      await startAppServer(chain, {
        env: {
          MESH3_TURN_URLS: `turn:127.0.0.1:${turn.port}?transport=udp`,
          MESH3_TURN_USERNAME: turn.username,
          MESH3_TURN_CREDENTIAL: turn.credential,
          MESH3_ICE_POLICY: "relay",
        },
      }),
    );
    const files = [];
    for (const [i, size] of sizes.entries()) {
      files.push(await writeRandomFile(dir, `bench-${size / MiB}MiB.bin`, size, 100 + i));
    }
    for (const [p, path] of (["direct", "relay"] as const).entries()) {
      log(`files: ${path}: two Chromium profiles on disk, room, commitments, link`);
      const [a, b] = await Promise.all([openSide(chain, 14 + 2 * p), openSide(chain, 15 + 2 * p)]);
      sides.push(a, b);
      for (const s of [a, b]) await s.page.addInitScript(pageTools);
      const link = await createRoom(a.test, apps[p].url);
      await a.test.goto(link);
      await a.test.find("join-room").click();
      await joinRoom(b.test, link);
      await connectWallet(b.test).catch(() => {});
      await waitForOpenPeer(a.test, b.test);
      await Promise.all([openRaw(a), openRaw(b)]);
      const chunk = chunkSizeFor(
        await a.page.evaluate(() =>
          (globalThis as unknown as { __pcs: RTCPeerConnection[] }).__pcs
            .findLast((p) => p.connectionState === "connected")?.sctp?.maxMessageSize ?? 65536
        ),
      );
      for (const file of files) {
        const raw = await rawRun(a, b, file, chunk);
        let done = false;
        // The memory and latency watch runs during the 1 GiB direct transfer.
        const memoryRun = path === "direct" && file.size === Math.max(...sizes);
        const during = memoryRun
          ? async () => void (watched = await watch(a, b, () => !done))
          : undefined;
        const enc = await encryptedRun(
          a,
          b,
          file,
          () => during?.() ?? Promise.resolve(),
          () => done = true,
        );
        const run = {
          path,
          bytes: file.size,
          encryptedMBps: enc.mbps,
          rawMBps: raw,
          hashSeconds: enc.hashSeconds,
        };
        runs.push(run);
        log(
          `files: ${path} ${file.size / MiB} MiB: encrypted ${enc.mbps.toFixed(1)} MiB/s, ` +
            `raw ${raw.toFixed(1)} MiB/s (${(enc.mbps / raw).toFixed(2)}×), ` +
            `hashing before the offer ${enc.hashSeconds.toFixed(1)} s`,
        );
      }
      for (const s of sides.splice(0)) {
        await s.context.close();
        await Deno.remove(s.dir, { recursive: true }).catch(() => {});
      }
    }
    if (!watched) throw new Error("Cannot report memory: the 1 GiB direct run did not happen");
    return {
      chunk: chunkSizeFor(256 * 1024),
      runs,
      memory: { bytes: Math.max(...sizes), ...watched.memory },
      latency: watched.latency,
    };
  } finally {
    for (const s of sides) {
      await s.context.close().catch(() => {});
      await Deno.remove(s.dir, { recursive: true }).catch(() => {});
    }
    for (const app of apps) await app.stop();
    await turn?.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
