import assert from "node:assert/strict";
import { clusterModel, type ClusterRow, clusterSection } from "./cluster_bench.ts";

const row = (
  name: string,
  msgPerSecond: number,
  p50Ms: number,
  p99Ms: number,
  cpu: number,
  redisUsPerMessage = 0,
) =>
  ({
    name,
    msgPerSecond,
    p50Ms,
    p99Ms,
    loadedP50Ms: 1,
    cpuUsPerMessage: cpu,
    redisUsPerMessage,
    perInstanceCpu: [0.5],
  }) satisfies ClusterRow;

const section = (rows: ClusterRow[]) =>
  clusterSection({ rooms: 50, iceEach: 200, rows }).join("\n");

Deno.test("clusterSection: cross- against same-instance, and Redis CPU against the 2× target", () => {
  const text = section([
    row("memory, 1 instance", 10_000, 0.2, 1, 20),
    row("redis, same instance", 8_000, 0.3, 2, 30),
    row("redis, cross instance", 4_000, 0.8, 5, 50),
  ]);
  assert.match(text, /Cross-instance relay: 4000 msg\/s, 0\.50× same-instance/);
  assert.match(text, /added latency p50 0\.50 ms, p99 3\.00 ms/);
  assert.match(text, /same instance 1\.50× met, cross instance 2\.50× \*\*missed\*\*/);
});

Deno.test("clusterSection: a run without the Redis rows prints the table alone", () => {
  const text = clusterSection({ rooms: 1, iceEach: 1, rows: [row("memory", 1, 1, 1, 1)] });
  assert.equal(text.some((l) => l.startsWith("- ")), false);
});

Deno.test("clusterModel: instances' CPU without Redis's part, Redis bound by the cross share", () => {
  const same = row("redis, same instance", 1, 1, 1, 20);
  const cross = row("redis, cross instance", 1, 1, 1, 50, 10);
  // One instance: every relay is same-instance, Redis carries none.
  assert.deepEqual(clusterModel(same, cross, 1), { instances: 50_000, redis: Infinity });
  // Ten: 0.1 × 20 + 0.9 × 40 = 38 µs per relay on the instances; Redis 0.9 × 10 µs.
  const ten = clusterModel(same, cross, 10);
  assert.equal(Math.round(ten.instances), Math.round(10e6 / 38));
  assert.equal(Math.round(ten.redis), Math.round(1e6 / 9));
});

Deno.test("clusterSection: the model's lines for 1, 3, 10 and 100 instances", () => {
  const text = section([
    row("memory, 1 instance", 10_000, 0.2, 1, 20),
    row("redis, same instance", 8_000, 0.3, 2, 20),
    row("redis, cross instance", 4_000, 0.8, 5, 50, 10),
  ]);
  assert.match(
    text,
    /N = 1: 50k msg\/s on the instances \(50\.0k per core\), one Redis core unused/,
  );
  assert.match(
    text,
    /N = 10: 263k msg\/s on the instances \(26\.3k per core\), one Redis core 111k/,
  );
  assert.match(text, /N = 100: /);
});
