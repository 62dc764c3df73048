import assert from "node:assert/strict";
import { type ClusterRow, clusterSection } from "./cluster_bench.ts";

const row = (name: string, msgPerSecond: number, p50Ms: number, p99Ms: number, cpu: number) =>
  ({
    name,
    msgPerSecond,
    p50Ms,
    p99Ms,
    loadedP50Ms: 1,
    cpuUsPerMessage: cpu,
    perInstanceCpu: [0.5],
  }) satisfies ClusterRow;

Deno.test("clusterSection: cross- against same-instance, and Redis CPU against the 2× target", () => {
  const text = clusterSection({
    rooms: 50,
    iceEach: 200,
    rows: [
      row("memory, 1 instance", 10_000, 0.2, 1, 20),
      row("redis, same instance", 8_000, 0.3, 2, 30),
      row("redis, cross instance", 4_000, 0.8, 5, 50),
    ],
  }).join("\n");
  assert.match(text, /Cross-instance relay: 4000 msg\/s, 0\.50× same-instance/);
  assert.match(text, /added latency p50 0\.50 ms, p99 3\.00 ms/);
  assert.match(text, /same instance 1\.50× met, cross instance 2\.50× \*\*missed\*\*/);
});

Deno.test("clusterSection: a run without the Redis rows prints the table alone", () => {
  const text = clusterSection({ rooms: 1, iceEach: 1, rows: [row("memory", 1, 1, 1, 1)] });
  assert.equal(text.some((l) => l.startsWith("- ")), false);
});
