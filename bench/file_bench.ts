/**
 * Benchmark 7, files (issue 12): the real app in two Chromium browsers, each its own process
 * tree with a profile on disk (so the origin's private file system is on disk, as for a person),
 * on the real server and chain, direct and relay only through a real coturn.
 *
 * - **Throughput.** A file made on disk (pseudo-random) is picked through the real file input and
 *   sent by the real engine: sealed chunks on the file channel, written to disk by the receiver,
 *   SHA-256 checked. Timed in the receiver's page from its Accept click to the card saying
 *   "Received and checked", both noted in that page (the sender hashes the file before offering:
 *   not in the time, reported apart). Baseline in the same pages, over the same connection (a negotiated raw DataChannel
 *   on the engine's RTCPeerConnection): the same file read in the same blocks and sent in the
 *   same chunks, the same high/low water marks, sent in the clear, received and counted. Sizes 64 MiB and 1 GiB, each
 *   path, alternating encrypted and raw.
 * - **Memory.** During the 1 GiB direct transfer: each page's JS heap (CDP `Runtime.getHeapUsage`)
 *   and the RSS of each browser's process tree and of its largest renderer (/proc), sampled every
 *   500 ms; growth over the value just before the transfer. No texts are sent during it, as in
 *   the raw round watched the same way (a growing chat list is not the file's memory).
 * - **Text latency.** During one more transfer of that file (not in the medians) the sender sends
 *   a chat text every 250 ms through the composer; the receiver's page notes when each appears:
 *   send → shown, p50/p99/max.
 * @module
 */
import { chromium } from "playwright-core";
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
import { profileBoth, RoundTasks } from "./page_tasks.ts";
import { playwrightPage } from "../tests/browser/playwright_page.ts";
import type { TestPage } from "../tests/browser/test_page.ts";
import { chunkSizeFor } from "../app/client/files/file_link.ts";
import {
  browserPid,
  cpuDetail,
  noMemory,
  treeCpu,
  watch,
  type Watched,
  type WatchedSide,
} from "./file_watch.ts";
import { logGrowth, logTexts } from "./file_log.ts";
import { pageTools } from "./file_page_tools.ts";
import { openRaw, rawRun } from "./file_raw.ts";
import { median } from "./stats.ts";

const MiB = 1024 * 1024;

/** One path and size: median of alternating encrypted and raw rounds. */
export interface FileRun {
  path: "direct" | "relay";
  bytes: number;
  encryptedMBps: number;
  rawMBps: number;
  /** Every round, in order (encrypted and raw alternate, raw first). */
  encryptedRounds: number[];
  rawRounds: number[];
  /** Browser CPU seconds per MiB (whole process tree), median over rounds. */
  cpu: {
    encryptedSender: number;
    encryptedReceiver: number;
    rawSender: number;
    rawReceiver: number;
  };
  /** Seconds the sender spent hashing the file before offering it (first round). */
  hashSeconds: number;
}

/** What benchmark 7 reports. */
export interface FileBenchReport {
  chunk: number;
  runs: FileRun[];
  memory: Watched["memory"] & { bytes: number };
  /** The same watch during the raw round of that file (no texts): Chromium's part alone. */
  rawMemory?: Watched["memory"];
  latency: Watched["latency"];
}

interface Side extends WatchedSide {
  test: TestPage;
  dir: string;
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

/** Result of one timed transfer. */
interface Timed {
  mbps: number;
  /** Browser CPU seconds per MiB over the transfer. */
  senderCpu: number;
  receiverCpu: number;
  /** CPU s/MiB by process type, for the log. */
  detail: string;
}

/**
 * Runs `f` (which returns the MiB/s) and charges each browser's CPU time to it, from when `f`
 * calls `start` (or from the beginning).
 */
async function timed(
  from: Side,
  to: Side,
  bytes: number,
  f: (start: () => Promise<void>) => Promise<number>,
): Promise<Timed> {
  let before = [await treeCpu(from.pid), await treeCpu(to.pid)];
  const mbps = await f(async () => {
    before = [await treeCpu(from.pid), await treeCpu(to.pid)];
  });
  const after = [await treeCpu(from.pid), await treeCpu(to.pid)];
  const mib = bytes / MiB;
  return {
    mbps,
    senderCpu: (after[0].total - before[0].total) / mib,
    receiverCpu: (after[1].total - before[1].total) / mib,
    detail: cpuDetail(before, after, mib),
  };
}

/** The real engine: pick, hash, offer, accept, chunks, check. Returns MB/s and hash seconds. */
async function encryptedRun(
  from: Side,
  to: Side,
  file: TestFile,
  during: () => Promise<void>,
  finished: () => void,
  start: () => Promise<void>,
): Promise<{ mbps: number; hashSeconds: number }> {
  const picked = performance.now();
  await pickFiles(from.test, file);
  await fileCard(to.test, file.name, "in", "offered").waitFor({ timeout: 300_000 });
  const hashSeconds = (performance.now() - picked) / 1000;
  await start();
  const t0 = await to.page.evaluate(() => performance.timeOrigin + performance.now());
  const id = await accept(to.test, file.name);
  const work = during();
  try {
    await to.test.find("file-card", { attrs: { "data-id": id, "data-state": "done" } })
      .waitFor({ timeout: 900_000 });
  } finally {
    finished();
  }
  const t1 = await to.page.evaluate(
    (id) => (globalThis as unknown as { __doneAt: Record<string, number> }).__doneAt[id],
    id,
  );
  await work;
  return { mbps: file.size / MiB / ((t1 - t0) / 1000), hashSeconds };
}

/** Options of {@linkcode fileBench}. */
export interface FileBenchOptions {
  /** File sizes in bytes (default 64 MiB and 1 GiB). */
  sizes?: number[];
  /** Paths (default both). */
  paths?: ("direct" | "relay")[];
  /** Rounds of each (raw, encrypted) per file up to 256 MiB (larger files: one). Default 3. */
  rounds?: number;
  /** Log a CPU profile of both pages during the first encrypted round not watched. */
  profile?: boolean;
  /** Log both pages' main-thread tasks, raw against encrypted, in that round (page_tasks.ts). */
  tasks?: boolean;
}

/**
 * Runs benchmark 7.
 *
 * @param chain The bench's test chain.
 * @param log Progress lines.
 * @param o Sizes, paths, rounds.
 */
export async function fileBench(
  chain: TestChain,
  log: Log,
  o: FileBenchOptions = {},
): Promise<FileBenchReport> {
  const sizes = o.sizes ?? [64 * MiB, 1024 * MiB];
  const paths = o.paths ?? ["direct", "relay"];
  const dir = await Deno.makeTempDir({ prefix: "mesh3-bench-files-" });
  let turn: Coturn | undefined;
  const apps: TestAppServer[] = [];
  const sides: Side[] = [];
  const runs: FileRun[] = [];
  let watched: Watched | undefined;
  let texts: Watched | undefined;
  let rawWatched: Watched["memory"] | undefined;
  try {
    turn = await startCoturn();
    const relayEnv = {
      MESH3_TURN_URLS: `turn:127.0.0.1:${turn.port}?transport=udp`,
      MESH3_TURN_USERNAME: turn.username,
      MESH3_TURN_CREDENTIAL: turn.credential,
      MESH3_ICE_POLICY: "relay",
    };
    const files = [];
    for (const [i, size] of sizes.entries()) {
      files.push(await writeRandomFile(dir, `bench-${size / MiB}MiB.bin`, size, 100 + i));
    }
    for (const [p, path] of paths.entries()) {
      log(`files: ${path}: two Chromium profiles on disk, room, commitments, link`);
      const app = await startAppServer(chain, path === "relay" ? { env: relayEnv } : {});
      apps.push(app);
      const [a, b] = await Promise.all([openSide(chain, 14 + 2 * p), openSide(chain, 15 + 2 * p)]);
      sides.push(a, b);
      for (const s of [a, b]) await s.page.addInitScript(pageTools);
      const link = await createRoom(a.test, app.url);
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
      let profileTaken = false;
      for (const file of files) {
        const rounds = file.size <= 256 * MiB ? (o.rounds ?? 3) : 1;
        const raw: Timed[] = [];
        const enc: Timed[] = [];
        let hashSeconds = 0;
        for (let round = 0; round < rounds; round++) {
          // The memory and latency watch runs during the largest direct transfer (first round);
          // the raw round before it is watched too (memory only), for what Chromium costs alone.
          const memoryRun = path === "direct" && file.size === Math.max(...sizes) && round === 0;
          // The first round of a path that is not the watched one.
          const profiled = o.profile && !memoryRun && !profileTaken;
          const tasks = o.tasks && !memoryRun && !profileTaken ? new RoundTasks([a, b]) : null;
          if (profiled || tasks) profileTaken = true;
          raw.push(
            await timed(a, b, file.size, async () => {
              if (tasks) {
                return await tasks.trace(
                  "raw",
                  (begin) => begin().then(() => rawRun(a, b, file, chunk)),
                );
              }
              if (!memoryRun) return await rawRun(a, b, file, chunk);
              let on = true;
              const w = watch(a, b, () => on, false);
              try {
                return await rawRun(a, b, file, chunk);
              } finally {
                on = false;
                const seen = await w;
                rawWatched = seen.memory;
                log(`files:   raw round: UDP datagrams dropped ${seen.latency.udpDrops}`);
              }
            }),
          );
          let done = false;
          // Memory is watched without texts, as in the raw round: the chat list's own growth
          // is not the file's. Texts get a transfer of their own after it.
          const during = memoryRun
            ? async () => void (watched = await watch(a, b, () => !done, false))
            : () => Promise.resolve();
          const run = (start: () => Promise<void>) => () =>
            encryptedRun(a, b, file, during, () => done = true, start);
          enc.push(
            await timed(a, b, file.size, async (start) => {
              // Profile and trace cover the timed part only (not the hash before the offer).
              const recorded = (begin: () => Promise<void>) => run(() => start().then(begin))();
              const r = profiled
                ? await profileBoth([a, b], recorded, log)
                : tasks
                ? await tasks.trace("encrypted", recorded)
                : await run(start)();
              if (round === 0) hashSeconds = r.hashSeconds;
              return r.mbps;
            }),
          );
          log(
            `files: ${path} ${file.size / MiB} MiB round ${round + 1}: encrypted ${
              enc[round].mbps.toFixed(1)
            } MiB/s (CPU s/MiB sender ${enc[round].senderCpu.toFixed(3)}, receiver ${
              enc[round].receiverCpu.toFixed(3)
            }), raw ${raw[round].mbps.toFixed(1)} MiB/s (${raw[round].senderCpu.toFixed(3)}, ${
              raw[round].receiverCpu.toFixed(3)
            })`,
          );
          if (memoryRun && watched) logGrowth("growth MiB", watched.memory, log);
          if (memoryRun) {
            let sending = true;
            const r = await encryptedRun(
              a,
              b,
              file,
              async () => {
                texts = await watch(a, b, () => sending);
              },
              () => sending = false,
              () => Promise.resolve(),
            );
            log(
              `files:   texts round: encrypted ${r.mbps.toFixed(1)} MiB/s with a text every 250 ms`,
            );
            logTexts(texts!.latency, log);
            logGrowth("growth MiB with the texts", texts!.memory, log);
          }
          log(`files:   CPU s/MiB encrypted: ${enc[round].detail}`);
          log(`files:   CPU s/MiB raw: ${raw[round].detail}`);
          for (const line of tasks?.lines(file.size / MiB) ?? []) log(`files:   ${line}`);
        }
        const med = (xs: Timed[], k: "mbps" | "senderCpu" | "receiverCpu") =>
          median(xs.map((x) => x[k]));
        const result: FileRun = {
          path,
          bytes: file.size,
          encryptedMBps: med(enc, "mbps"),
          rawMBps: med(raw, "mbps"),
          encryptedRounds: enc.map((x) => x.mbps),
          rawRounds: raw.map((x) => x.mbps),
          cpu: {
            encryptedSender: med(enc, "senderCpu"),
            encryptedReceiver: med(enc, "receiverCpu"),
            rawSender: med(raw, "senderCpu"),
            rawReceiver: med(raw, "receiverCpu"),
          },
          hashSeconds,
        };
        runs.push(result);
        log(
          `files: ${path} ${file.size / MiB} MiB: encrypted ${
            result.encryptedMBps.toFixed(1)
          } MiB/s, raw ${result.rawMBps.toFixed(1)} MiB/s (${
            (result.encryptedMBps / result.rawMBps).toFixed(2)
          }×), hashing before the offer ${hashSeconds.toFixed(1)} s`,
        );
      }
      for (const s of sides.splice(0)) {
        await s.context.close();
        await Deno.remove(s.dir, { recursive: true }).catch(() => {});
      }
    }
    return {
      chunk: chunkSizeFor(256 * 1024), // What Chromium's 256 KiB maxMessageSize gives.
      runs,
      memory: { bytes: watched ? Math.max(...sizes) : 0, ...(watched?.memory ?? noMemory) },
      rawMemory: rawWatched ?? noMemory,
      latency: texts?.latency ?? { samples: 0, sent: 0, p50: 0, p99: 0, max: 0 },
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
