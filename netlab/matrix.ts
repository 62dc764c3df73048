/**
 * The connectivity matrix: for each pair of NAT types, a fresh router and home per side (or one
 * router with two homes for "same NAT"), a browser in each home, N connection tries.
 * @module
 */
import type { Browser } from "playwright-core";
import { percentile } from "../bench/stats.ts";
import type { BrowserLauncher } from "./browser.ts";
import type { LabCerts } from "./certs.ts";
import { startDelayLine } from "./delay_line.ts";
import type { NatKind } from "./nat_profiles.ts";
import type { LabProcess } from "./process.ts";
import type { Services } from "./services.ts";
import { cleanSlot } from "./slots.ts";
import { type Internet, makeSite, type Site } from "./topology.ts";
import { runTries, type TryResult } from "./trial.ts";

/** Two sides of a pair; `same` puts both homes behind one router of type `a`. */
export interface PairSpec {
  a: NatKind;
  b: NatKind;
  same?: boolean;
}

/** The result row of one pair. */
export interface PairResult {
  spec: PairSpec;
  browser: string;
  tries: number;
  successes: number;
  p50?: number;
  p95?: number;
  /** Path label → how many tries used it. */
  paths: Record<string, number>;
  /** Tries whose badge did not match the selected pair. */
  badgeMismatches: number;
  errors: string[];
  /** How latency was made on lossy sites. */
  delay: string[];
  /** Each successful try: time, path and both sides' selected pairs. */
  samples: Pick<TryResult, "ms" | "path" | "pairs">[];
}

/** Everything a pair needs from the running lab. */
export interface MatrixLab {
  inet: Internet;
  services: Services;
  certs: LabCerts;
  scratch: string;
  netem: boolean;
  launcher: BrowserLauncher;
}

let nextSite = 1;

/**
 * The name of a pair for tables and logs.
 *
 * @param spec The pair.
 * @returns E.g. "symmetric × full-cone" or "same NAT (port-restricted, hairpin)".
 */
export function pairName(spec: PairSpec): string {
  return spec.same ? `same NAT (${spec.a}, hairpin)` : `${spec.a} × ${spec.b}`;
}

/**
 * Builds the pair's sites, runs the tries, tears the sites down.
 *
 * @param lab The running lab.
 * @param spec The pair.
 * @param tries Tries per pair.
 * @param log Progress lines.
 * @returns The pair's row.
 */
export async function runPair(
  lab: MatrixLab,
  spec: PairSpec,
  tries: number,
  log: (line: string) => void = () => {},
): Promise<PairResult> {
  const sites: Site[] = [];
  const lines: LabProcess[] = [];
  const browsers: Browser[] = [];
  try {
    // 1..140: the router's public address is 203.0.113.<100+n>.
    const take = () => (nextSite = nextSite % 140 + 1);
    if (spec.same) {
      sites.push(await makeSite(lab.inet, take(), spec.a, { homes: 2, netem: lab.netem }));
    } else {
      sites.push(await makeSite(lab.inet, take(), spec.a, { netem: lab.netem }));
      sites.push(await makeSite(lab.inet, take(), spec.b, { netem: lab.netem }));
    }
    for (const site of sites) {
      if (site.delay === "delay-line") {
        lines.push(await startDelayLine(site.router, `${lab.scratch}/delay-${site.index}.log`));
      }
    }
    const homes = sites.flatMap((s) => s.homes);
    for (const home of homes.slice(0, 2)) {
      browsers.push(await lab.launcher.launch(home.ns, lab.certs, lab.scratch));
    }
    const results = await runTries(
      browsers[0],
      browsers[1],
      lab.services.chain,
      lab.services.appUrl,
      tries,
      [1, 2],
    );
    const row = summarizePair(spec, lab.launcher.name, results, sites);
    log(
      `${pairName(spec)}: ${row.successes}/${row.tries} p50 ${row.p50 ?? "-"} ms p95 ${
        row.p95 ?? "-"
      } ms ${JSON.stringify(row.paths)}${row.errors.length ? " errors: " + row.errors[0] : ""}`,
    );
    return row;
  } finally {
    for (const b of browsers) await b.close().catch(() => {});
    for (const l of lines) await l.stop();
    const names = sites.flatMap((s) => [s.router, ...s.homes.map((h) => h.ns)]);
    await cleanSlot(lab.inet.slot, names);
  }
}

function summarizePair(
  spec: PairSpec,
  browser: string,
  results: TryResult[],
  sites: Site[],
): PairResult {
  const ok = results.filter((r) => r.ok);
  const ms = ok.map((r) => r.ms!);
  const paths: Record<string, number> = {};
  for (const r of ok) paths[r.path!] = (paths[r.path!] ?? 0) + 1;
  return {
    spec,
    browser,
    tries: results.length,
    successes: ok.length,
    p50: ms.length ? Math.round(percentile(ms, 0.5)) : undefined,
    p95: ms.length ? Math.round(percentile(ms, 0.95)) : undefined,
    paths,
    badgeMismatches: ok.filter((r) => !r.badgeOk).length,
    errors: results.filter((r) => !r.ok).map((r) => r.error ?? "unknown"),
    delay: sites.map((s) => s.delay).filter((d): d is "netem" | "delay-line" => d !== null),
    samples: ok.map(({ ms, path, pairs }) => ({ ms, path, pairs })),
  };
}
