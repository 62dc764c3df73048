import assert from "node:assert/strict";
import { compareTasks, summarizeTasks } from "./page_tasks.ts";

const main = (tid: number) => ({
  ph: "M",
  name: "thread_name",
  pid: 1,
  tid,
  ts: 0,
  args: { name: "CrRendererMain" },
});
const task = (tid: number, ts: number, dur: number, src_file: string, src_func: string) => ({
  ph: "X",
  name: "ThreadControllerImpl::RunTask",
  pid: 1,
  tid,
  ts,
  dur,
  args: { src_file, src_func },
});

Deno.test("summarizeTasks", async (t) => {
  await t.step("behavior: top-level tasks of the busiest page thread, by posting code", () => {
    const sweep =
      "static Handle cppgc::internal::Sweeper::SweeperImpl::IncrementalSweepTask::Post(x)";
    const out = summarizeTasks([
      main(2),
      main(3), // Another renderer's main thread with fewer tasks: not the page's.
      task(3, 0, 9_000_000, "a/other.cc", "Big"),
      task(2, 10, 1000, "a/b/sweeper.cc", sweep),
      { ph: "X", name: "inner", pid: 1, tid: 2, ts: 20, dur: 10 }, // Inside the task before.
      task(2, 2000, 500, "x/rtc_data_channel.cc", "OnMessage"),
      { ...task(2, 3000, 2500, "x/rtc_data_channel.cc", "OnMessage"), tdur: 1500 }, // Waited 1 ms.
      { ph: "X", name: "RunTask", pid: 9, tid: 9, ts: 0, dur: 5 }, // Not a page main thread.
    ] as never);
    assert.deepEqual(out, {
      busy: 0.003,
      tasks: 3,
      bySource: [
        { source: "rtc_data_channel.cc:OnMessage", seconds: 0.002, count: 2 },
        { source: "sweeper.cc:IncrementalSweepTask::Post", seconds: 0.001, count: 1 },
      ],
    });
  });

  await t.step("edge: a trace with no page main thread is empty", () => {
    assert.deepEqual(summarizeTasks([]), { busy: 0, tasks: 0, bySource: [] });
  });
});

Deno.test("compareTasks: largest growth first, per MiB, with counts", () => {
  const raw = summarizeTasks(
    [main(2), task(2, 0, 2000, "a.cc", "A"), task(2, 5000, 1000, "b.cc", "B")] as never,
  );
  const enc = summarizeTasks(
    [main(2), task(2, 0, 2000, "a.cc", "A"), task(2, 5000, 5000, "b.cc", "B")] as never,
  );
  assert.deepEqual(compareTasks(raw, enc, 2), [
    "main thread CPU ms/MiB raw 1.50 (2 tasks), encrypted 3.50 (2)",
    "  0.50 (1) → 2.50 (1) b.cc:B",
    "  1.00 (1) → 1.00 (1) a.cc:A",
  ]);
});
