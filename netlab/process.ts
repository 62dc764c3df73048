/**
 * A process the lab started (inside a namespace): its log goes to a file, it is ready when a
 * line of its output matches or a port answers, and `stop()` ends it (SIGTERM, then SIGKILL).
 * @module
 */

/** A running lab process. */
export interface LabProcess {
  name: string;
  pid: number;
  /** SIGTERM, SIGKILL after 3 s; waits for the exit. Safe to call twice. */
  stop(): Promise<void>;
}

/** Options of {@linkcode startProcess}. */
export interface StartProcessOptions {
  /** Namespace to run in (`ip netns exec`). */
  ns?: string;
  env?: Record<string, string>;
  /** Where stdout and stderr go. */
  logFile: string;
  /** Ready when a line of stdout matches. */
  readyLine?: RegExp;
  /** How long to wait for readiness. */
  timeoutMs?: number;
}

/**
 * Starts a process and waits until it is ready.
 *
 * @param name For messages.
 * @param cmd Program and arguments.
 * @param opts Namespace, environment, log file, readiness.
 * @returns The running process.
 * @throws {Error} "Cannot start <name>: …" when it exits or is not ready in time.
 * @example
 * ```ts ignore
 * const p = await startProcess("coturn", ["turnserver", "-n"], { ns, logFile: "/tmp/t.log" });
 * ```
 */
export async function startProcess(
  name: string,
  cmd: string[],
  opts: StartProcessOptions,
): Promise<LabProcess> {
  const full = opts.ns ? ["ip", "netns", "exec", opts.ns, ...cmd] : cmd;
  const log = await Deno.open(opts.logFile, { write: true, create: true, truncate: true });
  const child = new Deno.Command(full[0], {
    args: full.slice(1),
    env: opts.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const logWriter = log.writable.getWriter();
  let readyResolve: () => void = () => {};
  const ready = new Promise<void>((r) => readyResolve = r);
  if (!opts.readyLine) readyResolve();
  const pump = async (stream: ReadableStream<Uint8Array>, watch: boolean) => {
    let buffered = "";
    const decoder = new TextDecoder();
    for await (const raw of stream) {
      const chunk = decoder.decode(raw, { stream: true });
      await logWriter.write(raw).catch(() => {});
      if (!watch || !opts.readyLine) continue;
      buffered = (buffered + chunk).slice(-4096);
      if (opts.readyLine.test(buffered)) readyResolve();
    }
  };
  const pumps = Promise.all([pump(child.stdout, true), pump(child.stderr, false)])
    .catch(() => {}).finally(() => logWriter.close().catch(() => {}));
  let stopped: Promise<void> | undefined;
  const stop = () =>
    stopped ??= (async () => {
      try {
        child.kill("SIGTERM");
      } catch { /* gone */ }
      const killer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }, 3000);
      await child.status;
      clearTimeout(killer);
      await pumps;
    })();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const outcome = await Promise.race([
    ready.then(() => "ready" as const),
    child.status.then(() => "exited" as const),
    new Promise<"timeout">((r) => timer = setTimeout(() => r("timeout"), opts.timeoutMs ?? 60_000)),
  ]);
  clearTimeout(timer);
  if (outcome !== "ready") {
    await stop();
    const tail = (await Deno.readTextFile(opts.logFile).catch(() => "")).slice(-800);
    throw new Error(
      `Cannot start ${name}: it ${outcome === "exited" ? "exited" : "was not ready in time"}` +
        (tail ? `; its log ends with: ${tail}` : ""),
    );
  }
  return { name, pid: child.pid, stop };
}
