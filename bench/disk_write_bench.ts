/**
 * Benchmark 7b: writing received files to disk. The app's writer worker (the built
 * `/file-writer.js`, spoken to in its own protocol, app/shared/file_writer.ts) against the
 * baseline the page used before it and still uses where no worker runs: `createWritable` on the
 * same private file system. Both write the same 1 MiB batches with four in flight, in one
 * Chromium with its profile on disk (in a fresh incognito context Chromium keeps the private file
 * system in memory), alternating, and are charged the CPU of the whole browser (every process).
 * @module
 */
import { chromium } from "playwright-core";
import { buildAssets } from "../app/server/web/mod.ts";
import { FILE_WRITER_URL } from "../app/shared/file_writer.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../tests/browser/chromium.ts";
import { browserPid, treeCpu } from "./file_watch.ts";
import { median, ratio } from "./stats.ts";

/** One way of writing, medians over the rounds. */
export interface DiskWay {
  mibps: number;
  /** CPU ms per MiB written, whole browser. */
  cpuMsPerMib: number;
  /** …of which the browser process (the Blob and swap-file path runs there). */
  browserMsPerMib: number;
}

/** What the benchmark reports. */
export interface DiskBenchReport {
  mib: number;
  rounds: number;
  worker: DiskWay;
  stream: DiskWay;
  /** Stream CPU / worker CPU per MiB (above 1: the worker costs less). */
  cpuRatio: number | null;
}

type Way = "worker" | "stream";

/**
 * Runs the comparison.
 *
 * @param log Progress lines.
 * @param o `mib` per write-through, `rounds` of each way.
 */
export async function diskWriteBench(
  log: (line: string) => void,
  o: { mib: number; rounds: number } = { mib: 256, rounds: 3 },
): Promise<DiskBenchReport> {
  const assets = await buildAssets();
  const writer = assets.files.get(assets.fileWriter)!.body as Uint8Array<ArrayBuffer>;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) =>
      new URL(req.url).pathname === FILE_WRITER_URL
        ? new Response(writer, { headers: { "content-type": "text/javascript" } })
        : new Response("<!doctype html><title>disk</title>", {
          headers: { "content-type": "text/html" },
        }),
  );
  const dir = await Deno.makeTempDir({ prefix: "mesh3-bench-disk-" });
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  const runs: Record<Way, DiskWay[]> = { worker: [], stream: [] };
  try {
    const page = context.pages()[0] ?? await context.newPage();
    await page.goto(`http://127.0.0.1:${server.addr.port}/`);
    const pid = await browserPid(dir);
    for (let round = 0; round < o.rounds; round++) {
      for (const way of ["stream", "worker"] as const) {
        const before = await treeCpu(pid);
        const ms = await page.evaluate(writeInPage, { way, mib: o.mib, name: `${way}-${round}` });
        const after = await treeCpu(pid);
        const run = {
          mibps: o.mib / (ms / 1000),
          cpuMsPerMib: (after.total - before.total) / o.mib * 1000,
          browserMsPerMib: ((after.byType.browser ?? 0) - (before.byType.browser ?? 0)) / o.mib *
            1000,
        };
        runs[way].push(run);
        log(
          `disk: ${way} round ${round + 1}: ${run.mibps.toFixed(0)} MiB/s, CPU ${
            run.cpuMsPerMib.toFixed(2)
          } ms/MiB (browser process ${run.browserMsPerMib.toFixed(2)})`,
        );
      }
    }
  } finally {
    await context.close();
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
  const med = (way: Way): DiskWay => ({
    mibps: median(runs[way].map((r) => r.mibps)),
    cpuMsPerMib: median(runs[way].map((r) => r.cpuMsPerMib)),
    browserMsPerMib: median(runs[way].map((r) => r.browserMsPerMib)),
  });
  const worker = med("worker");
  const stream = med("stream");
  const cpuRatio = ratio(stream.cpuMsPerMib, worker.cpuMsPerMib);
  log(`disk: CPU per MiB, createWritable / writer worker: ${cpuRatio?.toFixed(1)}×`);
  return { mib: o.mib, rounds: o.rounds, worker, stream, cpuRatio };
}

/** In the page: writes `mib` MiB one way, then deletes the file; returns the milliseconds. */
async function writeInPage(o: { way: Way; mib: number; name: string }): Promise<number> {
  const batch = () => {
    const bytes = new Uint8Array(1024 * 1024);
    crypto.getRandomValues(bytes.subarray(0, 65536));
    return bytes;
  };
  const root = await navigator.storage.getDirectory();
  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  const inFlight = async (p: Promise<void>) => {
    pending.push(p);
    if (pending.length >= 4) await pending.shift();
  };
  if (o.way === "stream") {
    const w = await (await root.getFileHandle(o.name, { create: true })).createWritable();
    for (let i = 0; i < o.mib; i++) await inFlight(w.write(batch()));
    await Promise.all(pending);
    await w.close();
  } else {
    const g = globalThis as unknown as { benchWorker?: Worker };
    const worker = g.benchWorker ??= new Worker("/file-writer.js");
    let request = 0;
    const waiting = new Map<number, (ok: boolean) => void>();
    worker.onmessage = (e) => waiting.get(e.data.request)?.(e.data.ok);
    const call = (m: Record<string, unknown>, transfer: Transferable[] = []) =>
      new Promise<void>((resolve, reject) => {
        const id = ++request;
        waiting.set(id, (ok) => ok ? resolve() : reject(new Error(`writer refused ${m.op}`)));
        worker.postMessage({ ...m, request: id, file: 1 }, transfer);
      });
    await call({ op: "open", path: [o.name] });
    for (let i = 0; i < o.mib; i++) {
      const bytes = batch();
      await inFlight(call({ op: "write", bytes }, [bytes.buffer]));
    }
    await Promise.all(pending);
    await call({ op: "finish" });
  }
  const ms = performance.now() - t0;
  await root.removeEntry(o.name);
  return ms;
}

/**
 * The RESULTS.md section.
 *
 * @example
 * ```ts ignore
 * out.push(...diskSection(results.disk));
 * ```
 */
export function diskSection(d: DiskBenchReport): string[] {
  const row = (name: string, w: DiskWay) =>
    `| ${name} | ${w.mibps.toFixed(0)} | ${w.cpuMsPerMib.toFixed(2)} | ${
      w.browserMsPerMib.toFixed(2)
    } |`;
  return [
    "## 7b. Writing received files to disk (issue 12)",
    "",
    `One Chromium, profile on disk; ${d.mib} MiB written in 1 MiB batches, four in flight, each way ` +
    `${d.rounds} times alternating (medians); CPU of every process of the browser. The writer worker ` +
    "is the app's built `/file-writer.js` (synchronous access handles); the baseline is " +
    "`createWritable` on the same private file system.",
    "",
    "| way | MiB/s | CPU ms per MiB | of which the browser process |",
    "| --- | ---: | ---: | ---: |",
    row("writer worker", d.worker),
    row("createWritable (baseline)", d.stream),
    "",
    `CPU per MiB, createWritable / writer worker: **${d.cpuRatio?.toFixed(1) ?? "-"}×**.`,
    "",
  ];
}
