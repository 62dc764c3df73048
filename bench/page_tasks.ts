/**
 * Where a page's main thread spends its CPU, by the task it runs: a Chromium trace of the
 * `toplevel` category only (one event per task, with the thread's CPU time in it), summed by the
 * code location that posted each task (`src_file:src_func`, such as
 * `rtc_data_channel.cc:OnMessage` for a DataChannel message event with every microtask it leads
 * to, or `proxy_impl.cc:ScheduledActionSendBeginMainFrame` for a rendered frame). Tracing still
 * slows the traced round (here its CPU per MiB by 40–50 %): read it for where the CPU goes, not
 * for how fast the round was. A V8 profile cannot say this: what is not JavaScript is all
 * "(program)" there ({@linkcode profileBoth} logs that profile, by function).
 * @module
 */
import type { CDPSession } from "playwright-core";
import { summarizeProfile } from "./cpu_profile.ts";
import type { WatchedSide } from "./file_watch.ts";

/** Main-thread CPU time of one page by posting location. */
export interface PageTasks {
  /** CPU seconds of top-level tasks in all (wall time where the trace has no thread time). */
  busy: number;
  tasks: number;
  /** Largest first. */
  bySource: { source: string; seconds: number; count: number }[];
}

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** The thread's CPU time in the event (wall time `dur` also counts waiting for a core). */
  tdur?: number;
  args?: { name?: string; src_file?: string; src_func?: string };
}

/**
 * Traces each side's page while `f` runs, from when it calls `begin` (an `f` that never calls it
 * traces nothing of its own).
 *
 * @returns `f`'s result and each page's tasks (in the order of `sides`).
 */
export async function tracePages<T>(
  sides: WatchedSide[],
  f: (begin: () => Promise<void>) => Promise<T>,
): Promise<{ result: T; tasks: PageTasks[] }> {
  const { result, records } = await recordPages(sides, {
    start: (cdp) =>
      cdp.send("Tracing.start", {
        transferMode: "ReturnAsStream",
        traceConfig: { includedCategories: ["toplevel"] },
      }),
    stop: async (cdp) => summarizeTasks(await endTrace(cdp)),
  }, f);
  return { result, tasks: records };
}

async function endTrace(cdp: CDPSession): Promise<TraceEvent[]> {
  const complete = new Promise<string>((resolve) =>
    cdp.once("Tracing.tracingComplete", (e) => resolve(e.stream!))
  );
  await cdp.send("Tracing.end");
  const handle = await complete;
  let text = "";
  for (;;) {
    const chunk = await cdp.send("IO.read", { handle, size: 1 << 20 });
    text += chunk.base64Encoded ? atob(chunk.data) : chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send("IO.close", { handle });
  const parsed = JSON.parse(text) as { traceEvents: TraceEvent[] } | TraceEvent[];
  return Array.isArray(parsed) ? parsed : parsed.traceEvents;
}

/**
 * Sums the top-level tasks of the busiest renderer main thread in a trace by posting location.
 *
 * @example
 * ```ts
 * import { summarizeTasks } from "./page_tasks.ts";
 * summarizeTasks([]).busy; // 0
 * ```
 */
export function summarizeTasks(events: TraceEvent[]): PageTasks {
  const mains = new Set(
    events.filter((e) =>
      e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain"
    )
      .map((e) => `${e.pid}/${e.tid}`),
  );
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const key = `${e.pid}/${e.tid}`;
    if (e.ph !== "X" || !mains.has(key)) continue;
    const list = byThread.get(key);
    if (list) list.push(e);
    else byThread.set(key, [e]);
  }
  const main = [...byThread.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  const sums = new Map<string, { seconds: number; count: number }>();
  let end = -Infinity;
  for (const e of main.sort((a, b) => a.ts - b.ts)) {
    if (e.ts < end) continue; // Inside the task before it.
    end = e.ts + (e.dur ?? 0);
    const file = e.args?.src_file?.split("/").pop();
    // "static Handle a::b::Task::Post(…)" → "Task::Post".
    const func = (e.args?.src_func ?? e.name).split("(")[0].split(" ").pop()!;
    const source = file ? `${file}:${func.split("::").slice(-2).join("::")}` : e.name;
    const sum = sums.get(source) ?? { seconds: 0, count: 0 };
    sum.seconds += (e.tdur ?? e.dur ?? 0) / 1e6;
    sum.count++;
    sums.set(source, sum);
  }
  const bySource = [...sums].map(([source, s]) => ({ source, ...s }))
    .sort((a, b) => b.seconds - a.seconds);
  return {
    busy: bySource.reduce((t, s) => t + s.seconds, 0),
    tasks: bySource.reduce((t, s) => t + s.count, 0),
    bySource,
  };
}

/**
 * Lines comparing two pages' tasks (raw against encrypted), per MiB, largest differences first.
 *
 * @param mib MiB each moved.
 */
export function compareTasks(raw: PageTasks, enc: PageTasks, mib: number, rows = 8): string[] {
  const sources = new Set([...raw.bySource, ...enc.bySource].map((s) => s.source));
  const get = (t: PageTasks, s: string) => t.bySource.find((x) => x.source === s);
  const ms = (x: number) => (x * 1000 / mib).toFixed(2);
  const diff = [...sources].map((source) => ({
    source,
    raw: get(raw, source),
    enc: get(enc, source),
  })).sort((a, b) =>
    ((b.enc?.seconds ?? 0) - (b.raw?.seconds ?? 0)) -
    ((a.enc?.seconds ?? 0) - (a.raw?.seconds ?? 0))
  );
  return [
    `main thread CPU ms/MiB raw ${ms(raw.busy)} (${raw.tasks} tasks), encrypted ${
      ms(enc.busy)
    } (${enc.tasks})`,
    ...diff.slice(0, rows).map((d) =>
      `  ${ms(d.raw?.seconds ?? 0)} (${d.raw?.count ?? 0}) → ${ms(d.enc?.seconds ?? 0)} (${
        d.enc?.count ?? 0
      }) ${d.source}`
    ),
  ];
}

/**
 * One round's tasks, raw and encrypted, traced on both pages and compared.
 *
 * @example
 * ```ts ignore
 * const round = new RoundTasks([a, b]);
 * await round.trace("raw", () => rawRun(a, b, file, chunk));
 * await round.trace("encrypted", () => encryptedRun(…));
 * round.lines(64).forEach(log);
 * ```
 */
export class RoundTasks {
  #tasks: { raw?: PageTasks[]; encrypted?: PageTasks[] } = {};

  constructor(readonly sides: WatchedSide[]) {}

  /** Runs `f` with both pages traced from its `begin`. */
  async trace<T>(
    kind: "raw" | "encrypted",
    f: (begin: () => Promise<void>) => Promise<T>,
  ): Promise<T> {
    const { result, tasks } = await tracePages(this.sides, f);
    this.#tasks[kind] = tasks;
    return result;
  }

  /** Each page's comparison (sender first), once both were traced. */
  lines(mib: number): string[] {
    const { raw, encrypted } = this.#tasks;
    if (!raw || !encrypted) return [];
    return ["sender", "receiver"].flatMap((who, i) => {
      const [head, ...rows] = compareTasks(raw[i], encrypted[i], mib);
      return [`${who} ${head}`, ...rows];
    });
  }
}

/**
 * Runs `f` with both pages' JavaScript profiled from its `begin` (CDP `Profiler`, 1 ms sampling)
 * and logs each page's busiest functions.
 */
export async function profileBoth<T>(
  sides: WatchedSide[],
  f: (begin: () => Promise<void>) => Promise<T>,
  log: (line: string) => void,
): Promise<T> {
  const { result, records } = await recordPages(sides, {
    async prepare(cdp) {
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 1000 });
    },
    start: (cdp) => cdp.send("Profiler.start"),
    async stop(cdp) {
      const { profile } = await cdp.send("Profiler.stop");
      return summarizeProfile(profile as Parameters<typeof summarizeProfile>[0]);
    },
  }, f);
  for (const [i, p] of records.entries()) {
    log(`files: profile of the ${i ? "receiver" : "sender"} page (${p.samples} busy samples):`);
    for (const row of p.topFunctions.slice(0, 25)) log(`  ${row.share}% ${row.name}`);
  }
  return result;
}

/** How {@linkcode recordPages} records one page through its own DevTools session. */
interface PageRecorder<R> {
  /** Before `f` runs (optional). */
  prepare?(cdp: CDPSession): Promise<void>;
  /** When `f` calls `begin` (or after `f`, if it never did). */
  start(cdp: CDPSession): Promise<unknown>;
  /** After `f`: what was recorded. */
  stop(cdp: CDPSession): Promise<R>;
}

/**
 * Records each side's page while `f` runs, from when it calls `begin`; the sessions are detached
 * whatever happens.
 *
 * @returns `f`'s result and each page's record (in the order of `sides`).
 */
async function recordPages<T, R>(
  sides: WatchedSide[],
  recorder: PageRecorder<R>,
  f: (begin: () => Promise<void>) => Promise<T>,
): Promise<{ result: T; records: R[] }> {
  const sessions = await Promise.all(sides.map((s) => s.context.newCDPSession(s.page)));
  let begun: Promise<void> | undefined;
  const begin = () =>
    begun ??= (async () => {
      for (const cdp of sessions) await recorder.start(cdp);
    })();
  try {
    for (const cdp of sessions) await recorder.prepare?.(cdp);
    const result = await f(begin);
    await begin();
    const records = [];
    for (const cdp of sessions) records.push(await recorder.stop(cdp));
    return { result, records };
  } finally {
    for (const cdp of sessions) await cdp.detach().catch(() => {});
  }
}
