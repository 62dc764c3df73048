/**
 * The sections of bench/RESULTS.md for the benchmarks that run the app in headless Chromium:
 * connection setup and encrypted throughput (3, 4), files (7), calls (8), first load (9) and
 * block times (10). Each appends its lines to the report report.ts is writing.
 * @module
 */
import type { BrowserReport } from "./browser_bench.ts";
import type { CallBenchReport } from "./call_bench.ts";
import type { BlockTimeReport } from "./block_time_bench.ts";
import type { FileBenchReport } from "./file_bench.ts";
import { HIGH_WATER, LOW_WATER } from "../app/client/files/file_link.ts";
import type { FirstLoadReport } from "./first_load_bench.ts";
import { formatNumber as f, formatRatio as r, verdict } from "./report_format.ts";
import { median, meshFit, ratio } from "./stats.ts";

/**
 * Section 9, first load: JavaScript gzip size of a cold `/` against its target, then bytes
 * and time to interactive for each profile, page and build, today's against the baseline's.
 *
 * @param fl What bench/first_load_bench.ts measured.
 * @param out The report's lines so far; the section is appended.
 *
 * @example
 * ```ts ignore
 * firstLoadSection(results.firstLoad, out);
 * ```
 */
export function firstLoadSection(fl: FirstLoadReport, out: string[]): void {
  const kib = (n: number) => f(n / 1024, 1);
  out.push(
    "## 9. First load (bench/first_load_bench.ts)",
    "",
    "Cold cache, headless Chromium, medians of the runs. Baseline: the one-file bundle served " +
      "uncompressed, as before the split, built and served in the same run. Bytes are Resource " +
      "Timing `transferSize` (headers and encoded body); time to interactive (TTI) is from " +
      "navigation start until the island has hydrated and lists the wallet.",
    "",
    `JavaScript a cold \`/\` needs before it is interactive, gzip: ${kib(fl.homeJsGzip)} KiB ` +
      `(target ≤ 60 KB: ${verdict(fl.homeJsGzip <= 60_000)}).`,
    "",
    "| profile | page | build | KiB to interactive | of which JS | KiB settled | TTI ms | TTI vs baseline |",
    "|---|---|---|---:|---:|---:|---:|---:|",
  );
  for (const row of fl.rows) {
    const base = fl.rows.find((b) =>
      b.build === "baseline" && b.page === row.page && b.profile === row.profile
    );
    const vs = row.build === "today" && base ? ratio(row.ttiMs, base.ttiMs) : null;
    out.push(
      `| ${row.profile} | ${row.page} | ${row.build} | ${kib(row.bytesToInteractive)} | ${
        kib(row.jsBytesToInteractive)
      } | ${kib(row.bytesSettled)} | ${f(row.ttiMs)} | ${
        vs === null ? "" : `${r(vs)} ${verdict(vs <= 0.5)}`
      } |`,
    );
  }
  out.push("");
}

/**
 * Section 10, block times: open room link to first message possible, step by step, for
 * each block time, against the chain mining at once.
 *
 * @param bt What bench/block_time_bench.ts measured.
 * @param out The report's lines so far; the section is appended.
 *
 * @example
 * ```ts ignore
 * blockTimeSection(results.blockTimes, out);
 * ```
 */
export function blockTimeSection(bt: BlockTimeReport, out: string[]): void {
  const base = bt.rows.find((row) => row.blockMs === 0);
  const s = (ms: number) => f(ms / 1000, 1);
  out.push(
    "## 10. Block times (bench/block_time_bench.ts)",
    "",
    "Open room link → first message possible (a new person, cold context, test wallet, one " +
      "commit transaction, peer verified), medians; seconds from navigation start. Baseline: the " +
      "chain mining at once (0 s).",
    "",
    "| block time | commit sent | mined | ready | peer open | total | vs 0 s | runs |",
    "|---:|---:|---:|---:|---:|---:|---:|---|",
    ...bt.rows.map((row) =>
      `| ${row.blockMs / 1000} s | ${s(row.steps.sent)} | ${s(row.steps.mined)} | ${
        s(row.steps.ready)
      } | ${s(row.steps.open)} | ${s(row.totalMs)} | ${
        base ? r(ratio(row.totalMs, base.totalMs)) : "-"
      } | ${row.runs.map((x) => s(x)).join(", ")} |`
    ),
    "",
  );
}
/**
 * Sections 3 and 4: connection setup (Mesh3 against a raw DataChannel, with each one's
 * steps) and encrypted throughput (sealed and ratcheted against clear) between two pages.
 *
 * @param b What bench/browser_bench.ts measured.
 * @param out The report's lines so far; the section is appended.
 *
 * @example
 * ```ts ignore
 * browserSection(results.browser, out);
 * ```
 */
export function browserSection(b: BrowserReport, out: string[]): void {
  const over = b.mesh3Median - b.rawMedian;
  out.push(
    "## 3. Connection setup (two headless Chromium pages)",
    "",
    "| | median of " + b.runs + " runs | vs raw |",
    "|---|---:|---:|",
    `| Mesh3: enter room → first decrypted message | ${f(b.mesh3Median, 1)} ms | ${
      r(ratio(b.mesh3Median, b.rawMedian))
    } |`,
    `| raw DataChannel via bare relay → first message | ${f(b.rawMedian, 1)} ms | 1.00× |`,
    `| overhead of the verified, encrypted handshake | ${f(over, 1)} ms | |`,
    "",
    `Target: overhead ≤ 50 ms (issue 11, protocol v2) — ${verdict(over <= 50)}.`,
    "",
    "Mesh3 steps (medians, ms):",
    "",
    "| step | ms |",
    "|---|---:|",
    ...b.steps.map((s) => `| ${s.step} | ${f(s.ms, 1)} |`),
    "",
    "Raw baseline steps (medians, ms):",
    "",
    "| step | ms |",
    "|---|---:|",
    ...b.rawSteps.map((s) => `| ${s.step} | ${f(s.ms, 1)} |`),
    "",
  );
  const bytes = b.throughput[0]?.bytes ?? 0;
  out.push(
    "## 4. Encrypted throughput",
    "",
    `${f(bytes / 2 ** 20)} MiB over one DataChannel between the two pages, in 16 KiB messages ` +
      "(the usual interoperable size) and in 64 KiB messages (the core frame's largest " +
      "plaintext); bufferedAmountLowThreshold 1 MiB (pause above 4 MiB queued); " +
      `${b.throughput[0]?.clearMBps.length ?? 0} rounds of each, alternating, after an 8 MiB ` +
      "warm-up. Sealed: the sender seals every message with app/core's channel, the receiver " +
      "opens it (in order, as the client does). Ratcheted: sealed with an epoch change (a DH " +
      "ratchet step, protocol v2) every 1 MiB, against sealed without (issue 11: ≥ 0.95×).",
    "",
    "| message size | sealed MiB/s (median) | rounds | clear MiB/s (median) | rounds | sealed vs clear | target ≥ 0.80× | ratcheted MiB/s (median) | ratcheted vs sealed | target ≥ 0.95× |",
    "|---:|---:|---|---:|---|---:|---|---:|---:|---|",
  );
  for (const t of b.throughput) {
    const c = median(t.clearMBps);
    const s = median(t.sealedMBps);
    const rt = median(t.ratchetedMBps ?? []);
    out.push(
      `| ${f(t.chunk / 1024)} KiB | ${f(s, 1)} | ${t.sealedMBps.map((x) => f(x, 1)).join(", ")} | ${
        f(c, 1)
      } | ${t.clearMBps.map((x) => f(x, 1)).join(", ")} | ${r(ratio(s, c))} | ${
        verdict(s / c >= 0.8)
      } | ${f(rt, 1)} | ${r(ratio(rt, s))} | ${verdict(rt / s >= 0.95)} |`,
    );
  }
  out.push("");
}

/**
 * Section 8, calls: first decoded frame and per-person CPU against a plain WebRTC call, the
 * CPU by process, and the largest mesh that fits this machine.
 *
 * @param calls What bench/call_bench.ts measured.
 * @param out The report's lines so far; the section is appended.
 *
 * @example
 * ```ts ignore
 * callsSection(results.calls, out);
 * ```
 */
export function callsSection(calls: CallBenchReport, out: string[]): void {
  out.push(
    "## 8. Calls",
    "",
    "The real app in Chromium pages with fake 640×360 camera and microphone against a plain WebRTC call (no server, no chain, no checks; signaling by the bench, renegotiation over the pair's DataChannel) in the same browser and run. Accept → first decoded frame of the caller's video in the callee's page; target ≤ +100 ms.",
    "",
    "| path | runs | Mesh3 median ms | plain median ms | difference ms | target |",
    "| ---- | ---: | --------------: | --------------: | ------------: | ------ |",
    ...calls.firstFrame.map((x) => {
      const d = median(x.mesh3) - median(x.plain);
      return `| ${x.path} | ${x.mesh3.length} | ${f(median(x.mesh3))} | ${f(median(x.plain))} | ${
        f(d)
      } | ${verdict(d <= 100)} |`;
    }),
    "",
    'CPU of the whole Chromium tree per person in a mesh call (1.0 = one core; every person in one browser). Plain: a plain WebRTC video mesh with each remote video shown (no self-view), with the video bitrate cap Mesh3 uses (the same encodings; the figure without it is below the table). "no self-view": the same Mesh3 call with its self-view hidden; "not painted": every video element hidden (what painting costs). Target: Mesh3 video within 10 % of plain.',
    "",
    "| peers | window s | Mesh3 video | no self-view | not painted | plain video | plain not painted | ratio | target | Mesh3 audio |",
    "| ----: | -------: | ----------: | -----------: | ----------: | ----------: | ----------------: | ----: | ------ | ----------: |",
    ...calls.cpu.map((x) => {
      const q = ratio(x.mesh3PerPeer, x.plainPerPeer);
      return `| ${x.peers} | ${x.seconds} | ${f(x.mesh3PerPeer, 2)} | ${
        f(x.mesh3NoSelfViewPerPeer, 2)
      } | ${f(x.mesh3UnpaintedPerPeer, 2)} | ${f(x.plainPerPeer, 2)} | ${
        f(x.plainUnpaintedPerPeer, 2)
      } | ${r(q)} | ${verdict(q === null ? null : q <= 1.1)} | ${f(x.mesh3AudioPerPeer, 2)} |`;
    }),
    "",
    ...calls.cpu.flatMap((x) => [
      `${x.peers} people, by process (per person): Mesh3 ${kinds(x.kinds.mesh3)}; plain ${
        kinds(x.kinds.plain)
      }. Sent: Mesh3 ${x.sent.mesh3}; plain ${x.sent.plain} (before the cap: ${x.sent.plainUncapped}, ${
        f(x.plainUncappedPerPeer, 2)
      } core).`,
      "",
    ]),
    ...meshLimits(calls),
  );
}

function kinds(k: Record<string, number>): string {
  return Object.entries(k).sort((a, b) => b[1] - a[1]).filter(([, v]) => v >= 0.005)
    .map(([name, v]) => `${name} ${f(v, 2)}`).join(", ");
}

/** What fits: the largest mesh whose per-person CPU stays within half of this machine. */
function meshLimits(calls: CallBenchReport): string[] {
  const budget = navigator.hardwareConcurrency / 2;
  const fit = (k: "mesh3PerPeer" | "mesh3AudioPerPeer") =>
    meshFit(calls.cpu.map((x) => ({ peers: x.peers, perPeer: x[k] })), budget);
  const video = fit("mesh3PerPeer");
  const audio = fit("mesh3AudioPerPeer");
  if (video === null && audio === null) return [];
  return [
    `Fits (per-person CPU linear in peers through the two smallest meshes, within ${budget} core(s), half of this machine): video ${
      video ?? "n/a"
    }, audio ${
      audio ?? "n/a"
    } people. \`CALL_LIMITS\` in app/client/calls/call_types.ts should follow this (docs/CLIENT.md, "Calls").`,
    "",
  ];
}

/**
 * Section 7, files: encrypted against raw MiB/s and CPU per path and size, memory growth
 * during a transfer, and chat text latency during another.
 *
 * @param files What bench/file_bench.ts measured.
 * @param out The report's lines so far; the section is appended.
 *
 * @example
 * ```ts ignore
 * filesSection(results.files, out);
 * ```
 */
export function filesSection(files: FileBenchReport, out: string[]): void {
  const mib = (b: number) => `${f(b / 1024 / 1024)} MiB`;
  const m = files.memory;
  const l = files.latency;
  out.push(
    "## 7. Files (issue 12)",
    "",
    `The real app in two Chromium browsers with profiles on disk; files made on disk, picked through the file input, ${
      f(files.chunk)
    }-byte chunks (at most a 64 KiB frame, within \`sctp.maxMessageSize\`), ${
      HIGH_WATER / 1024
    } KiB high / ${
      LOW_WATER / 1024
    } KiB low water. Encrypted: the engine (sealed chunks, written to the origin's private file system, SHA-256 tree checked), timed in the receiving page from Accept to "Received and checked". Raw: the same file read in the same 1 MiB blocks, sent in the same chunks in the clear on a raw DataChannel of the same connection, received and counted. The sender hashes the file before offering it (not in the time; shown apart).`,
    "",
    "| path | file | encrypted MiB/s (median) | rounds | raw MiB/s (median) | rounds | encrypted vs raw | target ≥ 0.90× | browser CPU s/MiB, encrypted (sender / receiver) | raw (sender / receiver) | hashing before the offer |",
    "|---|---:|---:|---|---:|---|---:|---|---|---|---:|",
    ...files.runs.map((x) => {
      const q = ratio(x.encryptedMBps, x.rawMBps);
      const rounds = (xs: number[] | undefined) => (xs ?? []).map((v) => f(v, 1)).join(", ");
      const cpu = (a?: number, b?: number) =>
        a === undefined || b === undefined ? "" : `${f(a, 3)} / ${f(b, 3)}`;
      return `| ${x.path} | ${mib(x.bytes)} | ${f(x.encryptedMBps, 1)} | ${
        rounds(x.encryptedRounds)
      } | ${f(x.rawMBps, 1)} | ${rounds(x.rawRounds)} | ${r(q)} | ${
        verdict(q === null ? null : q >= 0.9)
      } | ${cpu(x.cpu?.encryptedSender, x.cpu?.encryptedReceiver)} | ${
        cpu(x.cpu?.rawSender, x.cpu?.rawReceiver)
      } | ${f(x.hashSeconds, 1)} s |`;
    }),
    "",
    `Memory during the ${
      mib(m.bytes)
    } direct transfer (${m.samples} samples, growth over the value before it; no texts, as in the raw round; target below 64 MiB):`,
    "",
    "| | JS heap | largest renderer RSS | whole browser RSS |",
    "|---|---:|---:|---:|",
    `| sender | ${f(m.senderHeapMiB, 1)} MiB | ${f(m.senderRendererRssMiB, 1)} MiB | ${
      f(m.senderTreeRssMiB, 1)
    } MiB |`,
    `| receiver | ${f(m.receiverHeapMiB, 1)} MiB | ${f(m.receiverRendererRssMiB, 1)} MiB | ${
      f(m.receiverTreeRssMiB, 1)
    } MiB |`,
    ...(files.rawMemory?.samples
      ? [
        `| raw sender | ${f(files.rawMemory.senderHeapMiB, 1)} MiB | ${
          f(files.rawMemory.senderRendererRssMiB, 1)
        } MiB | ${f(files.rawMemory.senderTreeRssMiB, 1)} MiB |`,
        `| raw receiver | ${f(files.rawMemory.receiverHeapMiB, 1)} MiB | ${
          f(files.rawMemory.receiverRendererRssMiB, 1)
        } MiB | ${f(files.rawMemory.receiverTreeRssMiB, 1)} MiB |`,
      ]
      : []),
    "",
    `Chat text sent every 250 ms during a second transfer of that file, send → shown on the other page: ${l.samples} of ${l.sent} texts, p50 ${
      f(l.p50, 1)
    } ms, p99 ${f(l.p99, 1)} ms ${verdict(l.p99 < 100)} (target p99 < 100 ms), max ${
      f(l.max, 1)
    } ms.${
      l.wireP50 === undefined
        ? ""
        : ` Of that, send → the chat channel's message event in the receiving page: p50 ${
          f(l.wireP50, 1)
        } ms, p99 ${f(l.wireP99, 1)} ms; send → the sending page's chat-channel \`send\`: p50 ${
          f(l.pageP50, 1)
        } ms, p99 ${f(l.pageP99, 1)} ms.`
    }`,
    "",
  );
}
