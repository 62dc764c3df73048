/**
 * Benchmarks 3 and 4 in two headless Chromium pages (tests/browser's launcher and EIP-1193 test
 * wallet): connection setup through the real Mesh3 server (own process) against a raw WebRTC
 * DataChannel through the bare relay, and a 64 MiB transfer sealed with the core's channel
 * against the same bytes in the clear, over the same connection.
 * @module
 */
import type { Browser, Page } from "playwright-core";
import type { Address, Hex } from "viem";
import { createRoom } from "../testing/server.ts";
import { launchChromium } from "../tests/browser/chromium.ts";
import { installTestWallet } from "../tests/browser/eip1193_provider.ts";
import { bundleEntry } from "../tests/browser/harness.ts";
import type { TestChain } from "../testing/chain.ts";
import type { BenchPage } from "./browser/page.ts";
import { type ServerProcess, spawnServer } from "./process.ts";
import { median } from "./stats.ts";

const BENCH = new URL("./", import.meta.url).pathname;
type W = { bench: BenchPage };
type Marks = Record<string, number>;

/** Results of benchmarks 3 and 4. */
export interface BrowserReport {
  runs: number;
  mesh3Ms: number[];
  rawMs: number[];
  mesh3Median: number;
  rawMedian: number;
  /** Median duration of each step of the Mesh3 setup, ms. */
  steps: { step: string; ms: number }[];
  /** Median raw baseline steps, ms. */
  rawSteps: { step: string; ms: number }[];
  throughput: {
    bytes: number;
    chunk: number;
    clearMBps: number[];
    sealedMBps: number[];
    /** Sealed with an epoch change (a DH ratchet step) every 1 MiB of plaintext. */
    ratchetedMBps: number[];
  }[];
}

type Log = (line: string) => void;

async function openPage(
  browser: Browser,
  chain: TestChain,
  url: string,
  account: number,
): Promise<Page> {
  const context = await browser.newContext();
  await installTestWallet(context, {
    privateKey: chain.accounts[account],
    rpcUrl: chain.rpcUrl,
    chainId: chain.chainId,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  await page.goto(url);
  await page.waitForFunction(() => "bench" in globalThis);
  return page;
}

const d = (m: Marks, a: string, b: string) =>
  m[a] !== undefined && m[b] !== undefined ? m[b] - m[a] : NaN;

function medians(rows: Record<string, number>[]): { step: string; ms: number }[] {
  return Object.keys(rows[0] ?? {}).map((step) => ({
    step,
    ms: median(rows.map((r) => r[step]).filter((x) => Number.isFinite(x))),
  }));
}

/**
 * Runs benchmarks 3 and 4.
 *
 * @param chain A running test chain (automine on).
 * @param o Number of setup runs and transfer size.
 */
export async function browserBench(
  chain: TestChain,
  o: { runs: number; bytes: number; rounds: number },
  log: Log,
): Promise<BrowserReport> {
  const bundle = `${BENCH}out/page.js`;
  await Deno.mkdir(`${BENCH}out`, { recursive: true });
  await Deno.writeTextFile(bundle, await bundleEntry(`${BENCH}browser/page.ts`));
  const procs: ServerProcess[] = [];
  let browser: Browser | undefined;
  try {
    const mesh = await spawnServer("mesh3-browser", Deno.execPath(), [
      "run",
      "-A",
      `${BENCH}servers/mesh3_server.ts`,
    ], {
      MESH3_RPC_URL: chain.rpcUrl,
      MESH3_CHAIN_ID: String(chain.chainId),
      MESH3_REGISTRY: chain.registry,
      MESH3_CHAIN_POLL_MS: "200",
      MESH3_BENCH_PAGE: bundle,
    });
    procs.push(mesh);
    const bare = await spawnServer("bare-browser", Deno.execPath(), [
      "run",
      "-A",
      `${BENCH}servers/bare_relay.ts`,
    ]);
    procs.push(bare);
    const url = `http://127.0.0.1:${mesh.port}/__bench/`;
    const relay = `ws://127.0.0.1:${bare.port}`;
    const config = {
      chainId: chain.chainId,
      chainName: "Bench chain",
      rpcUrl: chain.rpcUrl,
      registry: chain.registry,
      localDevChain: false,
    };
    browser = await launchChromium();
    const a = await openPage(browser, chain, url, 1);
    const b = await openPage(browser, chain, url, 2);
    const roomId: Hex = await createRoom(chain, 1);

    const mesh3Ms: number[] = [];
    const rawMs: number[] = [];
    const meshSteps: Record<string, number>[] = [];
    const rawSteps: Record<string, number>[] = [];
    let addrs: Address[] = [];
    for (let run = 0; run < o.runs; run++) {
      addrs = await Promise.all(
        [a, b].map((p) =>
          p.evaluate(
            ([c, r]) => (globalThis as unknown as W).bench.prepare(c, r),
            [config, roomId] as const,
          )
        ),
      );
      const [ma, mb] = await Promise.all(
        [a, b].map((p) => p.evaluate((c) => (globalThis as unknown as W).bench.enter(c), config)),
      );
      // The offerer is the lower address.
      const [o1, o2] = addrs[0].toLowerCase() < addrs[1].toLowerCase() ? [ma, mb] : [mb, ma];
      const t0 = Math.min(o1.enter, o2.enter);
      const first = Math.min(o1["first-message"] ?? Infinity, o2["first-message"] ?? Infinity);
      mesh3Ms.push(first - t0);
      meshSteps.push({
        "sign-in (SIWE, slower side)": Math.max(o1["signed-in"], o2["signed-in"]) - t0,
        "ICE config + socket + join": Math.max(o1.joined, o2.joined) -
          Math.max(o1["signed-in"], o2["signed-in"]),
        "offer made (offerer)": d(o1, "joined", "offer-sent"),
        "offer: server commitment check + relay": o2["offer-received"] - o1["offer-sent"],
        // Verifying → connecting: the check (a comparison when the pre-read is at hand), then
        // setRemoteDescription and the candidates that waited for it.
        "offer: answerer's check + apply": d(o2, "state-verifying", "state-connecting"),
        "answer made": d(o2, "state-connecting", "answer-sent"),
        "answer: server check + relay": o1["answer-received"] - o2["answer-sent"],
        "answer: offerer's check + apply": d(o1, "state-verifying", "state-connecting"),
        "ICE (answerer connecting → ICE connected)": d(o2, "state-connecting", "ice-connected"),
        "DTLS (answerer ICE → DTLS connected)": d(o2, "ice-connected", "dtls-connected"),
        "certificate check + key confirmation": d(o1, "dtls-connected", "state-open"),
        "first encrypted message (open → decrypted)": first - Math.min(
          o1["state-open"] ?? Infinity,
          o2["state-open"] ?? Infinity,
        ),
      });

      const [ra, rb] = await Promise.all([
        a.evaluate(
          ([r]) => (globalThis as unknown as W).bench.rawEnter(r, "A", "B", true),
          [
            relay,
          ] as const,
        ),
        b.evaluate(
          ([r]) => (globalThis as unknown as W).bench.rawEnter(r, "B", "A", false),
          [
            relay,
          ] as const,
        ),
      ]);
      const r0 = Math.min(ra.enter, rb.enter);
      const rFirst = Math.min(ra["first-message"] ?? Infinity, rb["first-message"] ?? Infinity);
      rawMs.push(rFirst - r0);
      rawSteps.push({
        "socket open + peer seen": d(ra, "enter", "offer-sent"),
        "offer relay": rb["offer-received"] - ra["offer-sent"],
        "answer relay": ra["answer-received"] - rb["answer-sent"],
        "ICE (answer → ICE connected)": d(ra, "answer-received", "ice-connected"),
        "DTLS (ICE → DTLS connected)": d(ra, "ice-connected", "dtls-connected"),
        // The answerer's, as Mesh3's DTLS step is (the DTLS client: it starts the handshake).
        "DTLS, answerer (ICE → DTLS connected)": d(rb, "ice-connected", "dtls-connected"),
        "DataChannel open → first message": rFirst - Math.min(ra["dc-open"], rb["dc-open"]),
      });
      log(
        `setup run ${run + 1}: mesh3 ${mesh3Ms.at(-1)!.toFixed(0)} ms, raw ${
          rawMs.at(-1)!.toFixed(0)
        } ms`,
      );
    }

    // Throughput over the last raw connection (A → B), clear and sealed, alternating.
    const [sa, sb] = await Promise.all(
      [a, b].map((p) => p.evaluate(() => (globalThis as unknown as W).bench.keyShare())),
    );
    const [ha, hb] = await Promise.all([
      a.evaluate(
        ([s, p, t]) => (globalThis as unknown as W).bench.keyHello(s, p, t),
        [addrs[0], addrs[1], sb] as const,
      ),
      b.evaluate(
        ([s, p, t]) => (globalThis as unknown as W).bench.keyHello(s, p, t),
        [addrs[1], addrs[0], sa] as const,
      ),
    ]);
    await a.evaluate(([t]) => (globalThis as unknown as W).bench.keyFinish(t), [hb] as const);
    await b.evaluate(([t]) => (globalThis as unknown as W).bench.keyFinish(t), [ha] as const);
    // Warm-up (not counted): a fresh SCTP association starts slow.
    await b.evaluate(
      ([n]) => (globalThis as unknown as W).bench.arm("clear", n),
      [8 << 20] as const,
    );
    await a.evaluate(
      ([n, c]) => (globalThis as unknown as W).bench.blast("clear", n, c),
      [8 << 20, 16 << 10] as const,
    );
    await b.evaluate(() => (globalThis as unknown as W).bench.finished());
    const throughput: BrowserReport["throughput"] = [];
    // 16 KiB (the usual interoperable DataChannel message) and 64 KiB (the frame's maximum).
    for (const chunk of [16 << 10, 64 << 10]) {
      const row = {
        bytes: o.bytes,
        chunk,
        clearMBps: [] as number[],
        sealedMBps: [] as number[],
        ratchetedMBps: [] as number[],
      };
      for (let round = 0; round < o.rounds; round++) {
        const order = round % 2
          ? ["ratcheted", "sealed", "clear"] as const
          : ["clear", "sealed", "ratcheted"] as const;
        for (const mode of order) {
          await b.evaluate(
            ([m, n]) => (globalThis as unknown as W).bench.arm(m, n),
            [mode, o.bytes] as const,
          );
          const start = await a.evaluate(
            ([m, n, c]) => (globalThis as unknown as W).bench.blast(m, n, c),
            [mode, o.bytes, chunk] as const,
          );
          const end = await b.evaluate(() => (globalThis as unknown as W).bench.finished());
          const mbps = o.bytes / 1024 / 1024 / ((end - start) / 1000);
          ({ clear: row.clearMBps, sealed: row.sealedMBps, ratcheted: row.ratchetedMBps })[mode]
            .push(mbps);
          log(`throughput ${chunk >> 10} KiB ${mode}: ${mbps.toFixed(1)} MiB/s`);
        }
      }
      throughput.push(row);
    }
    return {
      runs: o.runs,
      mesh3Ms,
      rawMs,
      mesh3Median: median(mesh3Ms),
      rawMedian: median(rawMs),
      steps: medians(meshSteps),
      rawSteps: medians(rawSteps),
      throughput,
    };
  } finally {
    await browser?.close();
    for (const p of procs) await p.stop();
  }
}
