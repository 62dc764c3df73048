/**
 * Benchmarks 5 and 6 by reuse: the crypto core's own `deno bench` file (bench/core_bench.ts,
 * run with `--json`) and the contract's gas measurement (`measureGas` from scripts/gas.ts).
 * @module
 */
import { FLOOR, measureGas } from "../scripts/gas.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** One `Deno.bench` result, times in microseconds. */
export interface CoreRow {
  group: string | null;
  name: string;
  baseline: boolean;
  avgUs: number;
  p99Us: number;
  /** avg / the group's baseline avg, when the group has one. */
  vsBaseline: number | null;
}

/**
 * Runs a bench file (by default bench/core_bench.ts) with `deno bench --json`.
 *
 * @param file Path from the repository root.
 * @returns One row per benchmark.
 */
export async function coreBench(file = "bench/core_bench.ts"): Promise<CoreRow[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["bench", "-A", "--json", file],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`Cannot run the core benchmarks: ${new TextDecoder().decode(out.stderr)}`);
  }
  const json = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    benches: {
      group: string | null;
      name: string;
      baseline: boolean;
      results: { ok?: { avg: number; p99: number } }[];
    }[];
  };
  const rows = json.benches.map((b) => {
    // "open 1 KiB x100" times 100 frames per iteration: report it per frame.
    const per = Number(/ x(\d+)$/.exec(b.name)?.[1] ?? 1);
    return {
      group: b.group,
      name: per === 1 ? b.name : `${b.name.replace(/ x\d+$/, "")} (per frame, timed x${per})`,
      baseline: b.baseline,
      avgUs: (b.results[0]?.ok?.avg ?? NaN) / 1000 / per,
      p99Us: (b.results[0]?.ok?.p99 ?? NaN) / 1000 / per,
      vsBaseline: null as number | null,
    };
  });
  for (const r of rows) {
    const base = rows.find((b) => b.group !== null && b.group === r.group && b.baseline);
    if (base && base !== r) r.vsBaseline = Math.round((r.avgUs / base.avgUs) * 100) / 100;
  }
  return rows;
}

/** One gas figure. */
export interface GasFigure {
  operation: string;
  gas: number;
  target: number | null;
  meetsTarget: boolean | null;
  vsFloor: number;
}

/** Measures gas on a fresh test chain (scripts/gas.ts), against targets and the floor. */
export async function gasBench(): Promise<{ floor: number; rows: GasFigure[] }> {
  const rows = await measureGas();
  return {
    floor: FLOOR,
    rows: rows.map((r) => ({
      operation: r.operation,
      gas: Number(r.gas),
      target: r.target === undefined ? null : Number(r.target),
      meetsTarget: r.target === undefined ? null : r.gas <= r.target,
      vsFloor: Math.round((Number(r.gas) / FLOOR) * 100) / 100,
    })),
  };
}
