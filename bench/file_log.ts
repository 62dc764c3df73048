/**
 * Benchmark 7's log lines for what file_watch.ts measured: the texts' latency and where it went,
 * and memory growth.
 * @module
 */
import type { Watched } from "./file_watch.ts";

const n = (x: number | undefined) => (x ?? 0).toFixed(0);

/** Logs the texts' latency and where their time went (and, asked, one line per text). */
export function logTexts(l: Watched["latency"], log: (line: string) => void): void {
  log(
    `files:   texts ${l.samples}/${l.sent}: p50 ${n(l.p50)} p99 ${n(l.p99)} max ${
      n(l.max)
    } ms; wire ${n(l.wireP50)}/${n(l.wireP99)}, sending page ${n(l.pageP50)}/${
      n(l.pageP99)
    }, file channel queued at the send ${n(l.fileQueuedP50)}/${
      n(l.fileQueuedP99)
    } KiB, receiver long tasks in the wire part ${n(l.receiverBusyP50)}/${
      n(l.receiverBusyP99)
    } ms (long tasks: receiver ${l.receiverLongTasks}, sender ${l.senderLongTasks}), file KiB delivered before the text beyond those sent before it ${
      n(l.behindP50)
    }/${n(l.behindP99)}, receiving event-loop lag ${n(l.receiverLagP50)}/${
      n(l.receiverLagP99)
    } ms, UDP datagrams dropped ${l.udpDrops}`,
  );
  if (Deno.env.get("MESH3_BENCH_FILE_TEXTS")) {
    for (const r of l.rows ?? []) log(`files:     ${r}`);
  }
}

/** Logs memory growth (sender/receiver). */
export function logGrowth(
  label: string,
  m: Watched["memory"],
  log: (line: string) => void,
): void {
  log(
    `files:   ${label}: heap ${n(m.senderHeapMiB)}/${n(m.receiverHeapMiB)}, renderer RSS ${
      n(m.senderRendererRssMiB)
    }/${n(m.receiverRendererRssMiB)}, tree RSS ${n(m.senderTreeRssMiB)}/${
      n(m.receiverTreeRssMiB)
    } (sender/receiver)`,
  );
}
