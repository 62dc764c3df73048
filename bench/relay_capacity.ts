/**
 * Benchmark 2's capacity search: idle signed-in sockets are added to a Mesh3 server step by step
 * up a ladder, and at each step a light ICE probe must keep its relay p99 under 50 ms. Each probe
 * is followed by the same probe through the bare relay (no idle sockets there), so that a slow
 * probe on a busy machine is told apart from a slow server.
 * @module
 */
import { ORIGIN } from "../testing/server.ts";
import { type ServerProcess, sleep } from "./process.ts";
import {
  closeAll,
  type Endpoint,
  type Kind,
  openAll,
  probe,
  type ProbeResult,
  runPhases,
  type Sock,
} from "./relay_load.ts";
import { serverStats } from "./relay_setup.ts";

/**
 * Sockets per account the search opens beyond the account's first, each in another pair's room
 * with a commitment of its own there (relay_bench.ts commits them).
 */
export const MAX_COPIES = 7;

/** One step of the capacity search. */
export interface CapacityStep {
  idleSockets: number;
  /** Server RSS with these sockets held, bytes. */
  rss: number;
  probe: ProbeResult;
  /** The same probe through the bare relay right after (no idle sockets there). */
  control?: ProbeResult;
  ok: boolean;
}

/** What the capacity search found. */
export interface CapacityResult {
  steps: CapacityStep[];
  largestOk: number;
  probeRate: number;
  /** Mesh3 and bare-relay probes before the search (not judged). */
  warmup: ProbeResult[];
}

const P99_LIMIT_MS = 50;
const PROBE_PAIRS = 50;
const PROBE_RATE = 10;

/**
 * Searches for the largest number of sockets Mesh3 holds with the relay p99 < 50 ms: opens idle
 * sockets up to each count of `ladder` in turn (copies 1..7 of each endpoint, each in another
 * room) and probes at each, until a step fails or no more sockets can be opened.
 *
 * @param mesh The Mesh3 server (its accounts already signed in).
 * @param bare The bare relay, for the control probes.
 * @param eps Endpoints of `n` sockets of a kind; `copy` shifts them to other rooms and ids.
 * @param ladder Idle socket counts to try, ascending.
 * @param log Progress lines.
 * @returns Every step and probe, and the largest count that passed (probe sockets included).
 *
 * @example
 * ```ts ignore
 * // Needs running Mesh3 and bare relay servers and signed-in endpoints (relay_bench.ts).
 * const capacity = await capacitySearch(mesh, bare, eps, [1000, 2000, 4000], console.log);
 * ```
 */
export async function capacitySearch(
  mesh: ServerProcess,
  bare: ServerProcess,
  eps: (kind: Kind, n: number, copy?: number) => Endpoint[],
  ladder: number[],
  log: (line: string) => void,
): Promise<CapacityResult> {
  const base = `ws://127.0.0.1:${mesh.port}`;
  await sleep(3000); // the relay runs' sockets are gone and collected before the search
  await serverStats(mesh);
  const probeSocks = await openAll("mesh3", base, eps("mesh3", PROBE_PAIRS * 2), ORIGIN);
  await runPhases("mesh3", probeSocks, { iceMs: 200, window: 1 });
  // Control: the same probe through the bare relay (no idle sockets), right after each Mesh3
  // probe. When it is over 50 ms too, the machine was busy, not the server.
  const controlSocks = await openAll(
    "bare",
    `ws://127.0.0.1:${bare.port}`,
    eps("bare", PROBE_PAIRS * 2, 9),
  );
  // Warm-up probes (recorded, not judged): both paths and both processes settle first.
  const warmup = [
    await probe("mesh3", probeSocks, { ms: 5000, ratePerSecond: PROBE_RATE, serverPid: mesh.pid }),
    await probe("bare", controlSocks, { ms: 5000, ratePerSecond: PROBE_RATE, serverPid: bare.pid }),
  ];
  log(`capacity: warm-up p99 ${warmup.map((w) => w.latency.p99.toFixed(1)).join(" / ")} ms`);
  const idle: Sock[] = [];
  const steps: CapacityStep[] = [];
  let largestOk = 0;
  try {
    const perCopy = eps("mesh3", 1 << 30).length;
    for (const target of ladder) {
      // Copies 1..7 of each account, each in another room (≤ 8 sockets per address, ≤ 16 per room).
      let copy = Math.floor(idle.length / perCopy) + 1;
      try {
        for (let i = 0; idle.length < target && copy <= MAX_COPIES && i < 100; i++) {
          const all = eps("mesh3", perCopy, copy);
          const have = idle.length - (copy - 1) * perCopy;
          const want = Math.min(all.length, have + target - idle.length);
          idle.push(...await openAll("mesh3", base, all.slice(have, want), ORIGIN));
          if (want === all.length) copy++;
        }
      } catch (e) {
        log(`capacity: stopped opening at ${idle.length}: ${e instanceof Error ? e.message : e}`);
        steps.push({
          idleSockets: idle.length,
          rss: 0,
          probe: {
            messages: 0,
            latency: { n: 0, p50: 0, p99: 0, mean: 0 },
            errors: 1,
            serverCpu: null,
          },
          ok: false,
        });
        break;
      }
      if (idle.length < target) {
        log(`capacity: only ${idle.length} sockets possible with these accounts`);
        break;
      }
      await sleep(2000); // joins and presence fan-out settle
      const held = await serverStats(mesh); // also a full GC, so the probe starts from a clean heap
      // Probes 2 s apart until one is under 50 ms (pass), or two are over while their control
      // was under 50 ms (the server's fault: fail), or five were made (fail). A burst of other
      // work on the shared machine should not end the search. Every probe is recorded.
      let ok = false;
      let attributable = 0;
      for (let attempt = 0; attempt < 5 && !ok && attributable < 2; attempt++) {
        if (attempt > 0) await sleep(2000);
        const p = await probe("mesh3", probeSocks, {
          ms: 5000,
          ratePerSecond: PROBE_RATE,
          serverPid: mesh.pid,
        });
        ok = p.latency.p99 < P99_LIMIT_MS && p.errors === 0;
        const control = await probe("bare", controlSocks, {
          ms: 5000,
          ratePerSecond: PROBE_RATE,
          serverPid: bare.pid,
        });
        if (!ok && control.latency.p99 < P99_LIMIT_MS) attributable++;
        steps.push({ idleSockets: idle.length, rss: held.rss, probe: p, control, ok });
        log(
          `capacity: ${idle.length} idle + ${probeSocks.length} probe sockets: p99 ` +
            `${p.latency.p99.toFixed(1)} ms, server CPU ${p.serverCpu?.toFixed(2)} ` +
            `${ok ? "ok" : "over"} (bare relay control p99 ${control.latency.p99.toFixed(1)} ms)`,
        );
      }
      if (!ok) break;
      largestOk = idle.length + probeSocks.length;
    }
  } finally {
    await closeAll([...probeSocks, ...controlSocks, ...idle]);
  }
  return { steps, largestOk, probeRate: PROBE_PAIRS * 2 * PROBE_RATE, warmup };
}
