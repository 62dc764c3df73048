/**
 * The CPU side of benchmark 8: CPU seconds of the bench's Chromium, split by process kind
 * (renderers: the pages, their encoders and decoders; the GPU process: compositing, with
 * `--disable-gpu` in software; the network service: every packet; the rest), and what each page's
 * encoders really send (size, frame rate, and why the encoder limited itself), so a figure taken
 * while the machine was saturated says so.
 * @module
 */
import type { Page } from "playwright-core";
import { readCpuSeconds, sleep } from "./process.ts";

/** CPU per person by process kind (1.0 = one core). */
export interface CpuShare {
  total: number;
  kinds: Record<string, number>;
}

/** What a page's video senders send, summed over its connections. */
export interface SentVideo {
  /** Video senders seen. */
  senders: number;
  /** Median frame width and frames per second over the senders. */
  width: number;
  fps: number;
  /** `qualityLimitationReason` of every sender other than "none" (empty: no sender limited). */
  limited: string[];
  /** The codecs sent ("video/VP8"). */
  codecs: string[];
}

/**
 * Runs in a page before any script: records every RTCPeerConnection made, so the bench can read
 * the statistics of connections the page keeps to itself.
 */
export function recordConnections(): void {
  const Original = globalThis.RTCPeerConnection;
  if (!Original) return;
  const made: RTCPeerConnection[] = [];
  (globalThis as unknown as { benchConnections: RTCPeerConnection[] }).benchConnections = made;
  globalThis.RTCPeerConnection = class extends Original {
    constructor(config?: RTCConfiguration) {
      super(config);
      made.push(this);
    }
  };
}

/**
 * What the video senders of `page` send now (needs {@linkcode recordConnections} in the page).
 *
 * @example
 * ```ts ignore
 * const sent = await sentVideo(page); // { senders: 3, width: 640, fps: 30, limited: [] }
 * ```
 */
export async function sentVideo(page: Page): Promise<SentVideo> {
  const rows = await page.evaluate(async () => {
    const pcs = (globalThis as unknown as { benchConnections?: RTCPeerConnection[] })
      .benchConnections ?? [];
    const out: { width: number; fps: number; reason: string; codec: string }[] = [];
    for (const pc of pcs) {
      if (pc.connectionState === "closed") continue;
      const report = await pc.getStats();
      report.forEach((r) => {
        if (r.type !== "outbound-rtp" || r.kind !== "video" || !r.frameWidth) return;
        out.push({
          width: r.frameWidth,
          fps: r.framesPerSecond ?? 0,
          reason: r.qualityLimitationReason ?? "none",
          codec: report.get(r.codecId)?.mimeType ?? "?",
        });
      });
    }
    return out;
  });
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return {
    senders: rows.length,
    width: mid(rows.map((r) => r.width)),
    fps: mid(rows.map((r) => r.fps)),
    limited: rows.map((r) => r.reason).filter((r) => r !== "none"),
    codecs: [...new Set(rows.map((r) => r.codec))],
  };
}

/** Sums the sent video of several pages into one line (for the log and the report). */
export function describeSent(sent: SentVideo[]): string {
  const limited = sent.flatMap((s) => s.limited);
  const codecs = [...new Set(sent.flatMap((s) => s.codecs))].join("/");
  return `${sent.reduce((n, s) => n + s.senders, 0)} senders (${codecs}), median ${
    Math.min(...sent.map((s) => s.width))
  }–${Math.max(...sent.map((s) => s.width))} px wide at ${Math.min(...sent.map((s) => s.fps))}–${
    Math.max(...sent.map((s) => s.fps))
  } fps${
    limited.length ? `, limited by ${[...new Set(limited)].join("/")} on ${limited.length}` : ""
  }`;
}

/**
 * CPU of the whole Chromium tree over `seconds`, per second and per person, by process kind.
 *
 * @example
 * ```ts ignore
 * const { total, kinds } = await cpuPerPeer(2, 15); // kinds.renderer, kinds.gpu, …
 * ```
 */
export async function cpuPerPeer(peers: number, seconds: number): Promise<CpuShare> {
  const before = await chromiumCpu();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const after = await chromiumCpu();
  const elapsed = (performance.now() - t0) / 1000;
  const kinds: Record<string, number> = {};
  let total = 0;
  for (const [kind, s] of Object.entries(after)) {
    // A process that ended within the window drops out of `after`: its seconds are not counted.
    const share = Math.max(0, s - (before[kind] ?? 0)) / elapsed / peers;
    kinds[kind] = share;
    total += share;
  }
  return { total, kinds };
}

/** Prints a share as "31.8 % (renderer 20.1, gpu 8.0, …)". */
export function describeCpu(c: CpuShare): string {
  const parts = Object.entries(c.kinds).sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${(v * 100).toFixed(1)}`);
  return `${(c.total * 100).toFixed(1)} % (${parts.join(", ")})`;
}

/** CPU seconds of every Chromium process descending from this one, by process kind. */
async function chromiumCpu(): Promise<Record<string, number>> {
  const parent = new Map<number, number>();
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const stat = await Deno.readTextFile(`/proc/${e.name}/stat`).catch(() => "");
    if (!stat) continue;
    parent.set(Number(e.name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
  }
  const kinds: Record<string, number> = {};
  for (const pid of parent.keys()) {
    let p = pid;
    for (let i = 0; i < 30 && p && p !== Deno.pid; i++) p = parent.get(p) ?? 0;
    if (p !== Deno.pid) continue;
    const cmd = await Deno.readTextFile(`/proc/${pid}/cmdline`).catch(() => "");
    if (!cmd.includes("chrom")) continue;
    const kind = processKind(cmd.split(/[\0 ]/));
    kinds[kind] = (kinds[kind] ?? 0) + await readCpuSeconds(pid).catch(() => 0);
  }
  return kinds;
}

/** "renderer", "gpu", "network", "audio", "capture", "browser" or another utility's name. */
function processKind(argv: string[]): string {
  const flag = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  const type = flag("type");
  if (!type) return "browser";
  if (type === "gpu-process") return "gpu";
  if (type !== "utility") return type;
  const sub = flag("utility-sub-type") ?? "";
  if (sub.startsWith("network.")) return "network";
  if (sub.startsWith("audio.")) return "audio";
  if (sub.startsWith("video_capture.")) return "capture";
  return sub.split(".")[0] || "utility";
}
