/**
 * What benchmark 7 watches around a transfer: each browser's process tree (RSS and CPU time from
 * /proc), each page's JS heap (CDP `Runtime.getHeapUsage`), chat text latency while a file
 * streams (the pages' CPU profile and task trace: page_tasks.ts).
 * @module
 */
import type { BrowserContext, Page } from "playwright-core";
import { readRss, sleep } from "./process.ts";
import { percentile } from "./stats.ts";

const MiB = 1024 * 1024;
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** One browser in the benchmark: its context, page and process. */
export interface WatchedSide {
  context: BrowserContext;
  page: Page;
  /** The browser process (the root of its tree). */
  pid: number;
}

/**
 * The browser process started with this profile (its cmdline names the folder).
 *
 * @param dir The `--user-data-dir`.
 */
export async function browserPid(dir: string): Promise<number> {
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const cmd = await Deno.readTextFile(`/proc/${e.name}/cmdline`).catch(() => "");
    if (cmd.includes(`--user-data-dir=${dir}`) && !cmd.includes("--type=")) return Number(e.name);
  }
  throw new Error(`Cannot find the browser process of ${dir}`);
}

interface ProcEntry {
  pid: number;
  ppid: number;
  /** utime + stime, seconds. */
  cpu: number;
}

async function processes(): Promise<ProcEntry[]> {
  const out: ProcEntry[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const stat = await Deno.readTextFile(`/proc/${e.name}/stat`).catch(() => "");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (f.length < 13) continue;
    // After the name: state ppid … utime (14th field of stat, 12th here) stime (13th).
    out.push({ pid: Number(e.name), ppid: Number(f[1]), cpu: (+f[11] + +f[12]) / TICKS });
  }
  return out;
}

function tree(all: ProcEntry[], root: number): ProcEntry[] {
  const parent = new Map(all.map((p) => [p.pid, p.ppid]));
  const inTree = (pid: number) => {
    for (let p = pid, i = 0; p && i < 20; p = parent.get(p) ?? 0, i++) if (p === root) return true;
    return false;
  };
  return all.filter((p) => inTree(p.pid));
}

/** CPU seconds of a process tree, in all and by Chromium process type. */
export interface TreeCpu {
  total: number;
  byType: Record<string, number>;
  /** Renderer processes' CPU by thread name (`CrRendererMain`, `DedicatedWorker`, …). */
  rendererThreads: Record<string, number>;
}

/** CPU seconds of each thread of a process, by thread name (digits dropped: one per kind). */
async function threadCpu(pid: number, into: Record<string, number>): Promise<void> {
  for await (const t of Deno.readDir(`/proc/${pid}/task`)) {
    const stat = await Deno.readTextFile(`/proc/${pid}/task/${t.name}/stat`).catch(() => "");
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")).replace(/\d+$/, "");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (f.length < 13) continue;
    into[name] = (into[name] ?? 0) + (+f[11] + +f[12]) / TICKS;
  }
}

/**
 * The log line of two browsers' CPU between two readings, s/MiB: by process type, and the
 * renderer threads that took at least 1 ms per MiB, busiest first.
 *
 * @param before `[sender, receiver]` before.
 * @param after The same after.
 * @param mib MiB moved between them.
 */
export function cpuDetail(before: TreeCpu[], after: TreeCpu[], mib: number): string {
  const types = (i: number) =>
    Object.entries(after[i].byType).map(([k, v]) =>
      `${k} ${((v - (before[i].byType[k] ?? 0)) / mib).toFixed(3)}`
    ).join(", ");
  const threads = (i: number) =>
    Object.entries(after[i].rendererThreads)
      .map(([k, v]) => [k, (v - (before[i].rendererThreads[k] ?? 0)) / mib] as const)
      .filter(([, v]) => v >= 0.001).sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v.toFixed(3)}`).join(", ");
  return `sender ${types(0)}; receiver ${types(1)}; renderer threads: sender ${threads(0)}; ` +
    `receiver ${threads(1)}`;
}

/**
 * CPU seconds (user + system) used so far by a process tree, by process type (`browser`,
 * `renderer`, `utility`, `gpu-process`, `zygote`…).
 *
 * @param root The browser process.
 */
export async function treeCpu(root: number): Promise<TreeCpu> {
  const out: TreeCpu = { total: 0, byType: {}, rendererThreads: {} };
  for (const p of tree(await processes(), root)) {
    const cmd = await Deno.readTextFile(`/proc/${p.pid}/cmdline`).catch(() => "");
    const type = /--type=([a-z-]+)/.exec(cmd)?.[1] ?? "browser";
    out.total += p.cpu;
    out.byType[type] = (out.byType[type] ?? 0) + p.cpu;
    if (type === "renderer") await threadCpu(p.pid, out.rendererThreads).catch(() => {});
  }
  return out;
}

/** RSS of a process tree and of its largest renderer, bytes. */
async function treeRss(root: number): Promise<{ tree: number; renderer: number }> {
  let total = 0;
  let renderer = 0;
  for (const { pid } of tree(await processes(), root)) {
    const rss = await readRss(pid).catch(() => 0);
    total += rss;
    const cmd = await Deno.readTextFile(`/proc/${pid}/cmdline`).catch(() => "");
    if (cmd.includes("--type=renderer")) renderer = Math.max(renderer, rss);
  }
  return { tree: total, renderer };
}

/**
 * UDP datagrams this machine dropped so far because a socket's receive buffer was full
 * (`RcvbufErrors` of /proc/net/snmp; the browsers' ICE sockets are on loopback): each one is a
 * lost SCTP packet that a retransmission has to make up for.
 */
export async function udpDrops(): Promise<number> {
  const lines = (await Deno.readTextFile("/proc/net/snmp").catch(() => "")).split("\n")
    .filter((l) => l.startsWith("Udp:"));
  if (lines.length < 2) return 0;
  const [names, values] = lines.map((l) => l.split(/\s+/));
  return Number(values[names.indexOf("RcvbufErrors")] ?? 0);
}

/** Memory growth and text latency measured by {@linkcode watch}. */
export interface Watched {
  memory: {
    samples: number;
    /** Peak growth over the value before the transfer, MiB. */
    senderHeapMiB: number;
    receiverHeapMiB: number;
    senderRendererRssMiB: number;
    receiverRendererRssMiB: number;
    senderTreeRssMiB: number;
    receiverTreeRssMiB: number;
  };
  latency: {
    samples: number;
    sent: number;
    p50: number;
    p99: number;
    max: number;
    /** Of that, send → the chat channel's message event in the receiver (p50, p99). */
    wireP50?: number;
    wireP99?: number;
    /** Of that, send → the sender's chat-channel `send` (the sender page's own work; p50, p99). */
    pageP50?: number;
    pageP99?: number;
    /** KiB queued on the sender's file channel at the text's chat-channel `send` (p50, p99). */
    fileQueuedP50?: number;
    fileQueuedP99?: number;
    /**
     * Of the wire part, ms of the receiving page's long tasks (> 50 ms) between the send and
     * the message event (p50, p99), and the receiving page's long tasks during the transfer.
     */
    receiverBusyP50?: number;
    receiverBusyP99?: number;
    receiverLongTasks?: number;
    senderLongTasks?: number;
    /** KiB of file bytes delivered before the text minus those sent before it (p50, p99). */
    behindP50?: number;
    behindP99?: number;
    /** The receiving page's worst event-loop lag (50 ms probe) during the wire part (p50, p99). */
    receiverLagP50?: number;
    receiverLagP99?: number;
    /** UDP datagrams dropped on this machine (full receive buffers) during the transfer. */
    udpDrops?: number;
    /** One line per text (for the log). */
    rows?: string[];
  };
}

/** No memory watched. */
export const noMemory: Watched["memory"] = {
  samples: 0,
  senderHeapMiB: 0,
  receiverHeapMiB: 0,
  senderRendererRssMiB: 0,
  receiverRendererRssMiB: 0,
  senderTreeRssMiB: 0,
  receiverTreeRssMiB: 0,
};

/**
 * Samples memory every 500 ms while `transferring()`, and with `texts` sends a chat text every
 * 250 ms through the composer (Enter in the box, as a person sends; a text counts as sent once
 * the composer emptied); the receiver's page logs arrivals (`__arrivals`, file_bench.ts
 * `pageTools`).
 */
export async function watch(
  from: WatchedSide,
  to: WatchedSide,
  transferring: () => boolean,
  texts = true,
): Promise<Watched> {
  const heap = async (s: WatchedSide) => {
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
  await to.page.evaluate(() => {
    const g = globalThis as unknown as { __arrivals: number[]; __wire: number[] };
    g.__arrivals = [];
    g.__wire = [];
  });
  const drops = await udpDrops();
  const base = await sample();
  const peak = { ...base, s: { ...base.s }, r: { ...base.r } };
  let samples = 0;
  let sent = 0;
  const sender = (async () => {
    while (texts && transferring()) {
      if (await from.page.evaluate(sendText)) sent++;
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
  const dropped = await udpDrops() - drops;
  await sleep(500);
  const { arrivals, wire: pairs, longTasks, lag } = await to.page.evaluate(() => {
    const g = globalThis as unknown as Record<string, number[]>;
    return {
      arrivals: g.__arrivals,
      wire: g.__wire,
      longTasks: g.__longTasks ?? [],
      lag: g.__lag ?? [],
    };
  });
  const { sends, queued, sentAt, senderTasks } = await from.page.evaluate(() => {
    const g = globalThis as unknown as Record<string, number[]>;
    return {
      sends: g.__chatSends,
      queued: g.__fileQueued ?? [],
      sentAt: g.__filesSentAtText ?? [],
      senderTasks: g.__longTasks?.length ?? 0,
    };
  });
  const wire: number[] = [];
  const own: number[] = [];
  const fileQueued: number[] = [];
  const busy: number[] = [];
  const behind: number[] = [];
  const lagged: number[] = [];
  const rows: string[] = [];
  for (let i = 0; i + 2 < pairs.length; i += 3) {
    const [t, event, filesThen] = [pairs[i], pairs[i + 1], pairs[i + 2]];
    wire.push(Math.max(0, event - t));
    const at = sends.findIndex((s) => s >= t);
    if (at >= 0) {
      own.push(sends[at] - t);
      fileQueued.push((queued[at] ?? 0) / 1024);
      // File bytes delivered before the text minus those sent before it: ≥ 0 means the text
      // waited behind every file byte sent before it (and any sent after it).
      behind.push((filesThen - (sentAt[at] ?? 0)) / 1024);
    }
    let worst = 0;
    for (let j = 0; j + 1 < lag.length; j += 2) {
      if (lag[j] >= t && lag[j] <= event) worst = Math.max(worst, lag[j + 1]);
    }
    lagged.push(worst);
    rows.push(
      `${(event - t).toFixed(0)}ms own=${at >= 0 ? (sends[at] - t).toFixed(0) : "?"} q=${
        ((queued[at] ?? 0) / 1024).toFixed(0)
      } behind=${behind.at(-1)?.toFixed(0)} lag=${worst.toFixed(0)}`,
    );
    let overlap = 0;
    for (let j = 0; j + 1 < longTasks.length; j += 2) {
      const [start, end] = [longTasks[j], longTasks[j] + longTasks[j + 1]];
      overlap += Math.max(0, Math.min(end, event) - Math.max(start, t));
    }
    busy.push(overlap);
  }
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
      max: arrivals.length ? Math.max(...arrivals) : 0,
      wireP50: percentile(wire, 0.5),
      wireP99: percentile(wire, 0.99),
      pageP50: percentile(own, 0.5),
      pageP99: percentile(own, 0.99),
      fileQueuedP50: percentile(fileQueued, 0.5),
      fileQueuedP99: percentile(fileQueued, 0.99),
      receiverBusyP50: percentile(busy, 0.5),
      receiverBusyP99: percentile(busy, 0.99),
      receiverLongTasks: longTasks.length / 2,
      senderLongTasks: senderTasks / 2,
      behindP50: percentile(behind, 0.5),
      behindP99: percentile(behind, 0.99),
      receiverLagP50: percentile(lagged, 0.5),
      receiverLagP99: percentile(lagged, 0.99),
      rows,
      udpDrops: dropped,
    },
  };
}

/**
 * In the sender's page: types a timestamped text into the composer and presses Enter (a click on
 * Send right after typing hits a button that is still disabled until the next render, which lost
 * every other text in earlier runs); true once the composer emptied, i.e. the text was sent.
 */
async function sendText(): Promise<boolean> {
  const box = document.querySelector('[data-testid="composer"]') as HTMLTextAreaElement;
  const set = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value")!.set!;
  set.call(box, `latency ${performance.timeOrigin + performance.now()}`);
  box.dispatchEvent(new Event("input", { bubbles: true }));
  box.dispatchEvent(
    new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }),
  );
  for (let i = 0; i < 40 && box.value !== ""; i++) await new Promise((r) => setTimeout(r, 25));
  return box.value === "";
}
