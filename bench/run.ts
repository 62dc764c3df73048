/**
 * `deno task bench`: runs every Mesh3 benchmark against its baseline in the same run and writes
 * bench/RESULTS.md and bench/results.json. Loopback only; every phase bounded.
 *
 * Environment:
 * - `MESH3_BENCH_SCALE` (default 1): multiplies socket counts (relay levels 100/1,000/5,000,
 *   memory sockets, capacity ladder). 0.2 gives a quick run.
 * - `MESH3_BENCH_ONLY`: comma list of parts to run (relay, cluster, browser, files, disk, calls,
 *   core, gas, load, blocks).
 * - `MESH3_BENCH_ROOMS` (default 50): rooms of the cluster part (several instances on Redis).
 * - `MESH3_BENCH_CALL_RUNS` (default 5): accept → first frame runs per path in the calls part.
 * - `MESH3_BENCH_CALL_MESHES` (default 2,3,4; `none`: accept → first frame only),
 *   `MESH3_BENCH_CALL_WINDOW` (default 15 s): people per video mesh and seconds per CPU window in
 *   the calls part; `MESH3_BENCH_CALL_PROFILE=1` and `MESH3_BENCH_CALL_EXPLORE=1` add a page
 *   profile and tile variants (bench/README.md).
 * - `MESH3_BENCH_FILE_MIB`: comma list of file sizes for the files part (default 64; `64,1024`
 *   adds the 1 GiB runs, about ten minutes per path on 2 cores).
 *
 * The task runs `deno task build:contracts` first (the test chain deploys the artifact). Needs
 * Chromium at /usr/bin/chromium, Node.js and npm (the PeerJS baseline is installed into
 * bench/out/peerjs).
 * @module
 */
import { startTestChain } from "../testing/chain.ts";
import { browserBench } from "./browser_bench.ts";
import { callBench } from "./call_bench.ts";
import { clusterBench } from "./cluster_bench.ts";
import { coreBench, gasBench } from "./core_and_gas.ts";
import { diskWriteBench } from "./disk_write_bench.ts";
import { blockTimeBench } from "./block_time_bench.ts";
import { fileBench } from "./file_bench.ts";
import { firstLoadBench } from "./first_load_bench.ts";
import { relayBench } from "./relay_bench.ts";
import { type Results, writeReport } from "./report.ts";

const scale = Number(Deno.env.get("MESH3_BENCH_SCALE") ?? "1");
if (!(scale > 0 && scale <= 4)) throw new RangeError("MESH3_BENCH_SCALE must be in (0, 4]");
const only = (
  Deno.env.get("MESH3_BENCH_ONLY") ??
    "relay,cluster,browser,files,disk,calls,core,gas,load,blocks"
)
  .split(",");
const even = (n: number) => Math.max(10, 2 * Math.round((n * scale) / 2));
const log = (line: string) => console.log(`[bench] ${line}`);
const started = new Date();
const t0 = performance.now();

const results: Results = { scale, seconds: 0 };
const chain = await startTestChain();
try {
  if (only.includes("core")) {
    log("core: deno bench bench/core_bench.ts");
    results.core = await coreBench();
  }
  if (only.includes("gas")) {
    log("gas: scripts/gas.ts");
    results.gas = await gasBench();
  }
  if (only.includes("browser")) {
    results.browser = await browserBench(chain, {
      runs: 11,
      bytes: 64 * 1024 * 1024,
      rounds: 3,
    }, log);
  }
  if (only.includes("load")) {
    log("first load: cold loads of / and a room page in Chromium, today vs the one-file bundle");
    results.firstLoad = await firstLoadBench(chain, log);
  }
  if (only.includes("blocks")) {
    log("block times: open room link → first message possible at 0, 2 and 12 s blocks");
    results.blockTimes = await blockTimeBench(chain, log);
  }
  if (only.includes("files")) {
    const sizes = (Deno.env.get("MESH3_BENCH_FILE_MIB") ?? "64").split(",").map(Number);
    const paths = (Deno.env.get("MESH3_BENCH_FILE_PATHS") ?? "direct,relay").split(",");
    results.files = await fileBench(chain, log, {
      sizes: sizes.map((m) => m * 1024 * 1024),
      paths: paths.filter((p) => p === "direct" || p === "relay"),
      rounds: Number(Deno.env.get("MESH3_BENCH_FILE_ROUNDS") ?? "3"),
      profile: Deno.env.get("MESH3_BENCH_FILE_PROFILE") === "1",
      tasks: Deno.env.get("MESH3_BENCH_FILE_TASKS") === "1",
    });
  }
  if (only.includes("disk")) {
    log("disk: received-file writes, the writer worker vs createWritable");
    results.disk = await diskWriteBench(log);
  }
  if (only.includes("calls")) {
    const runs = Number(Deno.env.get("MESH3_BENCH_CALL_RUNS") ?? "5");
    // "none": accept → first frame only (no CPU meshes).
    const meshes = (Deno.env.get("MESH3_BENCH_CALL_MESHES") ?? "2,3,4").split(",")
      .filter((n) => n !== "none").map(Number);
    const window = Number(Deno.env.get("MESH3_BENCH_CALL_WINDOW") ?? "15");
    results.calls = await callBench(chain, log, { runs, window, meshes });
  }
  if (only.includes("relay")) {
    log("relay path: deno bench bench/relay_path_bench.ts");
    results.relayPath = await coreBench("bench/relay_path_bench.ts");
    results.relay = await relayBench(chain, {
      levels: [100, 1000, 5000].map(even),
      memorySockets: even(5000),
      ladder: [2500, 5000, 7500, 10_000, 12_500, 15_000, 17_500].map(even),
    }, log);
  }
  if (only.includes("cluster")) {
    const rooms = Number(Deno.env.get("MESH3_BENCH_ROOMS") ?? "50");
    results.cluster = await clusterBench(chain, log, { rooms });
  }
} finally {
  await chain.stop();
}
results.seconds = (performance.now() - t0) / 1000;
await writeReport(results, started);
log(`done in ${results.seconds.toFixed(0)} s: bench/RESULTS.md, bench/results.json`);
// Every server, browser and chain was stopped above; a client socket whose close never completed
// (the load generator gives closes 10 s) must not keep the task alive.
Deno.exit(0);
