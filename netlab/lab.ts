/**
 * Starts and stops the whole lab: claims a slot (refusing leftovers), makes the internet
 * namespace, the test CA and the services, and removes everything on stop, on failure and on
 * SIGINT/SIGTERM (namespaces, their veth pairs and rules, the processes inside them).
 *
 * @example
 * ```ts ignore
 * const lab = await startLab({ launcher: chromiumLauncher });
 * try {
 *   await runPair(lab, { a: "symmetric", b: "full-cone" }, 10);
 * } finally {
 *   await lab.stop();
 * }
 * ```
 * @module
 */
import type { BrowserLauncher } from "./browser.ts";
import { makeLabCerts } from "./certs.ts";
import type { MatrixLab } from "./matrix.ts";
import { startServices } from "./services.ts";
import { sh } from "./sh.ts";
import { claimSlot, cleanSlot } from "./slots.ts";
import { hasNetem, INET, makeInternet } from "./topology.ts";

/** A running lab. */
export interface RunningLab extends MatrixLab {
  stop(): Promise<void>;
}

/** Options of {@linkcode startLab}. */
export interface StartLabOptions {
  launcher: BrowserLauncher;
  /** Keep logs here (default: a temporary folder, removed on stop). */
  logDir?: string;
  /** More `MESH3_*` variables for the server, more coturn options. */
  env?: Record<string, string>;
  coturnArgs?: readonly string[];
}

/**
 * Why namespaces cannot be made here, or null when they can (root, `ip`, iptables present).
 *
 * @returns A sentence, or null.
 */
export async function labUnavailable(): Promise<string | null> {
  if (Deno.build.os !== "linux") return "the network lab needs Linux network namespaces";
  if (Deno.uid() !== 0) return "the network lab needs root (ip netns, iptables)";
  for (const tool of ["ip", "iptables-restore", "turnserver", "openssl"]) {
    const found = await sh(["sh", "-c", `command -v ${tool}`], { allowFail: true });
    if (!found.trim()) {
      return `the network lab needs ${tool} (apt-get install iproute2 iptables coturn openssl)`;
    }
  }
  const probe = `m3probe-${Deno.pid}`;
  const made = await sh(["ip", "netns", "add", probe], { allowFail: true })
    .then(() => sh(["ip", "netns", "list"])).then((l) => l.includes(probe));
  await sh(["ip", "netns", "del", probe], { allowFail: true });
  return made ? null : "network namespaces cannot be made here (ip netns add failed)";
}

/**
 * Starts the lab.
 *
 * @param opts Browser launcher and log folder.
 * @returns The running lab; `stop()` it in a `finally`.
 * @throws {LabLeftoversError} When an earlier run left namespaces behind.
 */
export async function startLab(opts: StartLabOptions): Promise<RunningLab> {
  const roots = await sh(["ip", "-o", "addr"]);
  for (const net of ["198.51.100.", "203.0.113."]) {
    if (roots.includes(` ${net}`) && !/m3lab\d+/.test(roots)) {
      throw new Error(`Cannot start the network lab: this machine already uses ${net}0/24`);
    }
  }
  const slot = await claimSlot();
  const scratch = opts.logDir ?? await Deno.makeTempDir({ prefix: "mesh3-netlab-" });
  await Deno.mkdir(scratch, { recursive: true });
  let stopped: Promise<void> | undefined;
  let services: Awaited<ReturnType<typeof startServices>> | undefined;
  let certsDir: string | undefined;
  const stop = () =>
    stopped ??= (async () => {
      Deno.removeSignalListener("SIGINT", onSignal);
      Deno.removeSignalListener("SIGTERM", onSignal);
      await services?.stop().catch(() => {});
      await cleanSlot(slot);
      if (certsDir) await Deno.remove(certsDir, { recursive: true }).catch(() => {});
      if (!opts.logDir) await Deno.remove(scratch, { recursive: true }).catch(() => {});
    })();
  const onSignal = () => {
    console.error("netlab: interrupted, removing the lab's namespaces and processes");
    void stop().finally(() => Deno.exit(130));
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  try {
    const netem = await hasNetem(`m3lab-${slot}-probe`);
    const inet = await makeInternet(slot);
    const certs = await makeLabCerts([INET.app, INET.turn, inet.ctlIp]);
    certsDir = certs.dir;
    services = await startServices(inet, certs, {
      logDir: scratch,
      env: opts.env,
      coturnArgs: opts.coturnArgs,
    });
    return { inet, services, certs, scratch, netem, launcher: opts.launcher, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
