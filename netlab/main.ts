/**
 * `deno task netlab`: the full connectivity matrix (every pair of NAT types, N tries each),
 * written to bench/CONNECTIVITY.md and bench/connectivity.json. Needs root and Linux network
 * namespaces. `deno task netlab:clean` removes what an interrupted run left behind.
 *
 * Options: `--tries=N` (default 10), `--pairs=a×b,c×d` (default all), `--logs=DIR` (keep the
 * processes' logs), `--resume` (keep the rows of bench/connectivity.json that have N tries and run
 * only the other pairs), `--expiry=S` (then hold a relayed chat S seconds past its TURN
 * credentials' expiry; default 150 for the full matrix, 0 with `--pairs`), `--clean` (only
 * remove leftovers).
 *
 * @example
 * ```sh
 * deno task netlab --tries=10
 * ```
 * @module
 */
import { chromium } from "playwright-core";
import { parseArgs } from "node:util";
import { chromiumLauncher } from "./browser.ts";
import { startLab } from "./lab.ts";
import { pairName, type PairResult, type PairSpec, runPair } from "./matrix.ts";
import { NAT_KINDS, type NatKind } from "./nat_profiles.ts";
import { connectivityMarkdown, expiryMarkdown, meetsTarget } from "./report.ts";
import {
  EXPIRY_LAB,
  type ExpiryResult,
  type LateJoinResult,
  runExpiry,
  runLateJoin,
} from "./expiry.ts";
import { cleanLeftovers } from "./slots.ts";
import { CHROMIUM_PATH } from "../tests/browser/chromium.ts";

const BENCH_DIR = new URL("../bench/", import.meta.url).pathname;

/**
 * Every unordered pair of NAT types, then both peers behind one NAT.
 *
 * @returns The pairs of the full matrix.
 */
export function allPairs(): PairSpec[] {
  const pairs: PairSpec[] = [];
  NAT_KINDS.forEach((a, i) => NAT_KINDS.slice(i).forEach((b) => pairs.push({ a, b })));
  pairs.push({ a: "port-restricted", b: "port-restricted", same: true });
  return pairs;
}

function parsePairs(text: string): PairSpec[] {
  return text.split(",").map((p) => {
    if (p.startsWith("same:")) {
      return { a: p.slice(5) as NatKind, b: p.slice(5) as NatKind, same: true };
    }
    const [a, b] = p.split(/[×x]/) as NatKind[];
    if (!NAT_KINDS.includes(a) || !NAT_KINDS.includes(b)) {
      throw new Error(`Cannot run pair "${p}": types are ${NAT_KINDS.join(", ")}`);
    }
    return { a, b };
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      tries: { type: "string", default: "10" },
      pairs: { type: "string" },
      logs: { type: "string" },
      clean: { type: "boolean", default: false },
      resume: { type: "boolean", default: false },
      expiry: { type: "string" },
    },
  });
  if (values.clean) {
    const removed = await cleanLeftovers();
    console.log(
      removed.length ? `netlab: removed ${removed.join(", ")}` : "netlab: nothing left over",
    );
    return 0;
  }
  // A run of chosen pairs writes beside the other scratch output, not over the committed matrix.
  const BENCH = values.pairs && !values.resume ? `${BENCH_DIR}out/` : BENCH_DIR;
  await Deno.mkdir(BENCH, { recursive: true });
  const tries = Number(values.tries);
  if (!Number.isSafeInteger(tries) || tries < 1 || tries > 1000) {
    throw new Error(`Cannot run the matrix: --tries must be 1..1000, got "${values.tries}"`);
  }
  const pairs = values.pairs ? parsePairs(values.pairs) : allPairs();
  const started = Date.now();
  const lab = await startLab({ launcher: chromiumLauncher, logDir: values.logs });
  const rows: PairResult[] = values.resume ? await earlierRows(tries) : [];
  const todo = pairs.filter((p) => !rows.some((r) => pairName(r.spec) === pairName(p)));
  let version = "";
  // The report is rewritten after every pair, so an interrupted run still leaves its rows.
  const write = async () => {
    const info = {
      date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      browserVersions: { chromium: version },
      tries,
      durationS: Math.round((Date.now() - started) / 1000),
      netem: lab.netem,
      planned: pairs.length,
      command: `deno task netlab --tries=${tries}${values.pairs ? ` --pairs=${values.pairs}` : ""}`,
    };
    await Deno.writeTextFile(`${BENCH}CONNECTIVITY.md`, connectivityMarkdown(rows, info));
    await new Deno.Command(Deno.execPath(), { args: ["fmt", "-q", `${BENCH}CONNECTIVITY.md`] })
      .output();
    await Deno.writeTextFile(
      `${BENCH}connectivity.json`,
      JSON.stringify({ ...info, rows }, null, 2) + "\n",
    );
  };
  try {
    const probe = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true });
    version = probe.version();
    await probe.close();
    for (const [i, spec] of todo.entries()) {
      console.log(`netlab: [${i + 1}/${todo.length}] ${pairName(spec)}`);
      rows.push(await runPair(lab, spec, tries, (l) => console.log(`netlab:   ${l}`)));
      await write();
    }
  } finally {
    await lab.stop();
  }
  const holdS = Number(values.expiry ?? (values.pairs ? "0" : "150"));
  if (holdS > 0) {
    console.log(`netlab: relayed chat held ${holdS} s past its TURN credentials' expiry`);
    const expiryLab = await startLab({
      launcher: chromiumLauncher,
      logDir: values.logs,
      ...EXPIRY_LAB,
    });
    let expiry: ExpiryResult;
    let lateJoin: LateJoinResult;
    try {
      expiry = await runExpiry(expiryLab, holdS * 1000);
      console.log(`netlab:   ${JSON.stringify(expiry)}`);
      lateJoin = await runLateJoin(expiryLab, 75_000);
      console.log(`netlab:   late join: ${JSON.stringify(lateJoin)}`);
    } finally {
      await expiryLab.stop();
    }
    const md = await Deno.readTextFile(`${BENCH}CONNECTIVITY.md`);
    await Deno.writeTextFile(`${BENCH}CONNECTIVITY.md`, md + expiryMarkdown(expiry, lateJoin));
    const json = JSON.parse(await Deno.readTextFile(`${BENCH}connectivity.json`));
    await Deno.writeTextFile(
      `${BENCH}connectivity.json`,
      JSON.stringify({ ...json, expiry, lateJoin }, null, 2) + "\n",
    );
    await new Deno.Command(Deno.execPath(), { args: ["fmt", "-q", `${BENCH}CONNECTIVITY.md`] })
      .output();
    if (!expiry.ok || !lateJoin.ok) return 1;
  }
  const missed = rows.filter((r) => !meetsTarget(r));
  console.log(
    `netlab: wrote ${BENCH}CONNECTIVITY.md; ${
      rows.length - missed.length
    }/${rows.length} pairs met their target`,
  );
  return missed.length ? 1 : 0;
}

/** Rows of an earlier run with the same number of tries (`--resume`). */
async function earlierRows(tries: number): Promise<PairResult[]> {
  try {
    const old = JSON.parse(await Deno.readTextFile(`${BENCH_DIR}connectivity.json`));
    return (old.rows as PairResult[]).filter((r) => r.tries === tries);
  } catch {
    return [];
  }
}

if (import.meta.main) Deno.exit(await main());
