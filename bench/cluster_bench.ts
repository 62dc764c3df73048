/**
 * The relay over several instances on one Redis (issue 15), against the same server on its
 * in-memory state, in one run: part `cluster` of `deno task bench` (bench/run.ts, section 7 of
 * bench/RESULTS.md), or alone with `deno task bench:cluster` (prints the section). Set-ups, each
 * with `rooms` rooms of two members that trickle ICE at each other:
 *
 * - memory: one instance, no Redis (the baseline);
 * - redis, same instance: both members of a room on one instance of a Redis cluster;
 * - redis, cross instance: the members on two different instances (every frame through Redis).
 *
 * For each: relayed msg/s in a burst, latency p50/p99 (send to receipt, one clock, one frame at a
 * time after the burst; and the median within the burst), and server CPU per relayed
 * message summed over the instances (and Redis, for the cluster). Then aggregate msg/s with 1, 2
 * and 3 instances (each room's members spread over the instances), with each instance's CPU.
 * Loopback only; every phase bounded. The model for 10 and 100 instances is in bench/README.md.
 * @module
 */
import type { PrivateKeyAccount } from "viem";
import { startTestChain, type TestChain } from "../testing/chain.ts";
import { commitPairKeys, createRooms, fundedAccounts } from "../testing/chain_batch.ts";
import { startRedis } from "../testing/redis.ts";
import { Client, join, signedMessage, type TestKeys, verify } from "../testing/server.ts";
import { readCpuSeconds, type ServerProcess, spawnServer } from "./process.ts";
import { benchServerEnv } from "./relay_setup.ts";
import { summarize } from "./stats.ts";

const ICE_EACH = 200;
/** Target of issue 15: CPU per relayed message with Redis at most this many times in-memory's. */
const REDIS_CPU_TARGET = 2;
const SERVER = new URL("./servers/mesh3_server.ts", import.meta.url).pathname;

/** One set-up's figures. */
export interface ClusterRow {
  name: string;
  msgPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Median send to receipt during the burst (queueing included). */
  loadedP50Ms: number;
  cpuUsPerMessage: number;
  /** The part of `cpuUsPerMessage` spent in redis-server (0 without Redis). */
  redisUsPerMessage: number;
  perInstanceCpu: number[];
}

/** Runs one set-up: rooms' members on `placeA`/`placeB` instances; returns its row. */
async function measure(
  name: string,
  chain: TestChain,
  servers: ServerProcess[],
  extraPids: number[],
  place: (member: number) => number,
  accounts: PrivateKeyAccount[],
  rooms: `0x${string}`[],
  keys: TestKeys[],
): Promise<ClusterRow> {
  const clients = await Promise.all(accounts.map(async (a, i) => {
    const base = `http://127.0.0.1:${servers[place(i)].port}`;
    const r = await verify(base, await signedMessage(base, a, chain.chainId));
    return await Client.connect(`ws://127.0.0.1:${servers[place(i)].port}/ws`, r.cookie!);
  }));
  try {
    await Promise.all(rooms.map(async (roomId, r) => {
      const [a, b] = [clients[2 * r], clients[2 * r + 1]];
      await join(a, roomId);
      await join(b, roomId);
      await a.next("presence", () => true, 30_000);
      const to = (i: number) => accounts[i].address.toLowerCase();
      a.send({ v: 1, type: "offer", to: to(2 * r + 1), roomId, ...pick(keys[2 * r]) });
      await b.next("offer", () => true, 30_000);
      b.send({ v: 1, type: "answer", to: to(2 * r), roomId, ...pick(keys[2 * r + 1]) });
      await a.next("answer", () => true, 30_000);
    }));
    /** Send to receipt: under full load (the burst), and one frame at a time (the probe). */
    const loaded: number[] = [], latencies: number[] = [];
    let probe = () => {};
    let received = 0;
    const expected = rooms.length * 2 * ICE_EACH;
    let done!: () => void;
    const all = new Promise<void>((r) => done = r);
    for (const c of clients) {
      c.ws.onmessage = (e) => {
        const m = JSON.parse(String(e.data));
        if (m.type !== "ice") return;
        const sent = Number(m.candidate.candidate.split(" ")[0].slice("candidate:".length));
        if (++received <= expected) loaded.push(performance.now() - sent);
        else latencies.push(performance.now() - sent);
        if (received === expected) done();
        if (received > expected) probe();
      };
    }
    const pids = [...servers.map((s) => s.pid), ...extraPids];
    const cpu0 = await Promise.all(pids.map(readCpuSeconds));
    const t0 = performance.now();
    for (let k = 0; k < ICE_EACH; k++) {
      for (let r = 0; r < rooms.length; r++) {
        for (const [from, to] of [[2 * r, 2 * r + 1], [2 * r + 1, 2 * r]]) {
          const candidate = {
            candidate: `candidate:${performance.now()} 1 udp 1 127.0.0.1 ${k} typ host`,
            sdpMid: "0",
          };
          clients[from].send({
            v: 1,
            type: "ice",
            to: accounts[to].address.toLowerCase(),
            roomId: rooms[r],
            candidate,
          });
        }
      }
      if (k % 10 === 9) await new Promise((r) => setTimeout(r, 0));
    }
    await Promise.race([all, new Promise((r) => setTimeout(r, 120_000))]);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = (await Promise.all(pids.map(readCpuSeconds))).map((c, i) => c - cpu0[i]);
    // One frame at a time from room 0's first member to its second, 200 times.
    for (let k = 0; k < 200; k++) {
      const got = new Promise<void>((r) => probe = r);
      const candidate = {
        candidate: `candidate:${performance.now()} 1 udp 1 127.0.0.1 1 typ host`,
        sdpMid: "0",
      };
      clients[0].send({
        v: 1,
        type: "ice",
        to: accounts[1].address.toLowerCase(),
        roomId: rooms[0],
        candidate,
      });
      await Promise.race([got, new Promise((r) => setTimeout(r, 5000))]);
    }
    const s = summarize(latencies);
    const l = summarize(loaded);
    return {
      name,
      msgPerSecond: received / seconds,
      p50Ms: s.p50,
      p99Ms: s.p99,
      loadedP50Ms: l.p50,
      cpuUsPerMessage: (cpu.reduce((x, y) => x + y, 0) * 1e6) / Math.max(1, received),
      redisUsPerMessage: (cpu.slice(servers.length).reduce((x, y) => x + y, 0) * 1e6) /
        Math.max(1, received),
      perInstanceCpu: cpu.slice(0, servers.length).map((c) => c / seconds),
    };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

function pick(k: TestKeys) {
  return { publicKey: k.publicKey, kemKey: k.kemKey, sdp: k.sdp };
}

/** The pid of the redis-server listening on `port` (for its CPU). */
async function redisPid(port: number): Promise<number> {
  const out = await new Deno.Command("pgrep", { args: ["-f", `redis-server 127.0.0.1:${port}`] })
    .output();
  return Number(new TextDecoder().decode(out.stdout).trim().split("\n")[0]);
}

/** What the cluster part measured. */
export interface ClusterReport {
  rooms: number;
  iceEach: number;
  rows: ClusterRow[];
}

/**
 * Runs the cluster benchmark on `chain` (a Redis and four server processes of its own).
 *
 * @param o `rooms`: rooms of two members in every set-up.
 * @returns Each set-up's row, the in-memory one first.
 *
 * @example
 * ```ts ignore
 * const report = await clusterBench(chain, console.log, { rooms: 50 });
 * console.log(clusterSection(report).join("\n"));
 * ```
 */
export async function clusterBench(
  chain: TestChain,
  log: (line: string) => void,
  o: { rooms: number },
): Promise<ClusterReport> {
  const redis = await startRedis();
  const servers: ServerProcess[] = [];
  try {
    log(`cluster: ${o.rooms} rooms, ${2 * o.rooms} accounts, commitments`);
    const accounts = await fundedAccounts(chain, 2 * o.rooms + 1);
    const creator = accounts.pop()!;
    const rooms = await createRooms(chain, creator, o.rooms);
    const keys = await commitPairKeys(chain, accounts, rooms);
    const env = benchServerEnv(chain);
    const spawn = (name: string, extra: Record<string, string>) =>
      spawnServer(name, Deno.execPath(), ["run", "-A", SERVER], { ...env, ...extra });
    const memory = await spawn("memory", {});
    servers.push(memory);
    const cluster: ServerProcess[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await spawn(`redis-${i}`, { MESH3_REDIS_URL: redis.url });
      servers.push(s);
      cluster.push(s);
    }
    const rp = await redisPid(redis.port);
    const rows: ClusterRow[] = [];
    const run = async (
      name: string,
      on: ServerProcess[],
      extra: number[],
      place: (i: number) => number,
    ) => {
      const row = await measure(name, chain, on, extra, place, accounts, rooms, keys);
      rows.push(row);
      log(
        `cluster ${name}: ${row.msgPerSecond.toFixed(0)} msg/s, p50 ${row.p50Ms.toFixed(2)} ms, ` +
          `p99 ${row.p99Ms.toFixed(2)} ms, ${row.cpuUsPerMessage.toFixed(1)} µs CPU/msg`,
      );
    };
    await run("memory, 1 instance", [memory], [], () => 0);
    await run("redis, same instance", [cluster[0]], [rp], () => 0);
    await run("redis, cross instance", cluster.slice(0, 2), [rp], (i) => i & 1);
    await run("redis, 2 instances (rooms spread)", cluster.slice(0, 2), [rp], (i) => (i >> 1) % 2);
    await run("redis, 3 instances (rooms spread)", cluster, [rp], (i) => (i >> 1) % 3);
    return { rooms: o.rooms, iceEach: ICE_EACH, rows };
  } finally {
    for (const s of servers) await s.stop();
    await redis.dispose();
  }
}

/**
 * The cluster section of bench/RESULTS.md: the table, then the issue's figures against their
 * targets (cross-instance against same-instance; Redis CPU against in-memory).
 *
 * @example
 * ```ts ignore
 * out.push(...clusterSection(results.cluster));
 * ```
 */
export function clusterSection(c: ClusterReport): string[] {
  const [memory, same, cross] = c.rows;
  const x = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const out = [
    "## 7. Several instances on Redis (`bench/cluster_bench.ts`)",
    "",
    `${c.rooms} rooms, ${c.iceEach} ICE each way per room, one machine; CPU summed over the ` +
    "instances and Redis.",
    "",
    "| set-up | msg/s | × memory | p50 ms | p99 ms | p50 ms in the burst | CPU µs/msg | × memory | of it Redis | CPU per instance (cores) |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ...c.rows.map((r) =>
      `| ${r.name} | ${r.msgPerSecond.toFixed(0)} | ${x(r.msgPerSecond, memory.msgPerSecond)} | ` +
      `${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.loadedP50Ms.toFixed(0)} | ` +
      `${r.cpuUsPerMessage.toFixed(1)} | ${x(r.cpuUsPerMessage, memory.cpuUsPerMessage)} | ` +
      `${r.redisUsPerMessage.toFixed(1)} | ${
        r.perInstanceCpu.map((v) => v.toFixed(2)).join(" / ")
      } |`
    ),
    "",
  ];
  if (!same || !cross) return out;
  const cpuRatio = (r: ClusterRow) => r.cpuUsPerMessage / memory.cpuUsPerMessage;
  const met = (r: ClusterRow) => cpuRatio(r) <= REDIS_CPU_TARGET ? "met" : "**missed**";
  out.push(
    `- Cross-instance relay: ${cross.msgPerSecond.toFixed(0)} msg/s, ` +
      `${x(cross.msgPerSecond, same.msgPerSecond)} same-instance; added latency ` +
      `p50 ${(cross.p50Ms - same.p50Ms).toFixed(2)} ms, p99 ${
        (cross.p99Ms - same.p99Ms).toFixed(2)
      } ms.`,
    `- CPU per relayed message, Redis against in-memory (target ≤ ${REDIS_CPU_TARGET}×): ` +
      `same instance ${x(same.cpuUsPerMessage, memory.cpuUsPerMessage)} ${met(same)}, ` +
      `cross instance ${x(cross.cpuUsPerMessage, memory.cpuUsPerMessage)} ${met(cross)}.`,
    `- Model for N instances on machines of their own (bench/README.md): ${
      [1, 3, 10, 100].map((n) => {
        const m = clusterModel(same, cross, n);
        return `N = ${n}: ${(m.instances / 1000).toFixed(0)}k msg/s on the instances ` +
          `(${(m.instances / n / 1000).toFixed(1)}k per core), one Redis core ${
            Number.isFinite(m.redis) ? `${(m.redis / 1000).toFixed(0)}k` : "unused"
          }`;
      }).join("; ")
    }.`,
    "",
  );
  return out;
}

/**
 * The model for N instances, one core each, on one Redis core, from measured CPU per message: a
 * room's two members share an instance with probability 1/N (the balancer places sockets, not
 * rooms), so a fraction (N − 1)/N of relays cross Redis.
 *
 * @param same The same-instance row (instance CPU per relay).
 * @param cross The cross-instance row (instance CPU per relay, and Redis's part).
 * @param n Instances.
 * @returns Relays per second the instances can carry together, and what one Redis core carries.
 *
 * @example
 * ```ts ignore
 * clusterModel(same, cross, 10); // { instances: 2.1e5, redis: 6.5e5 }
 * ```
 */
export function clusterModel(
  same: ClusterRow,
  cross: ClusterRow,
  n: number,
): { instances: number; redis: number } {
  const crossShare = (n - 1) / n;
  const c1 = same.cpuUsPerMessage - same.redisUsPerMessage;
  const c2 = cross.cpuUsPerMessage - cross.redisUsPerMessage;
  const perMessage = (1 - crossShare) * c1 + crossShare * c2;
  return {
    instances: (n * 1e6) / perMessage,
    redis: crossShare === 0 ? Infinity : 1e6 / (crossShare * cross.redisUsPerMessage),
  };
}

if (import.meta.main) {
  const chain = await startTestChain();
  try {
    const rooms = Number(Deno.env.get("MESH3_BENCH_ROOMS") ?? "50");
    const report = await clusterBench(chain, (l) => console.log(`[bench] ${l}`), { rooms });
    console.log(clusterSection(report).join("\n"));
  } finally {
    await chain.stop();
  }
  Deno.exit(0);
}
