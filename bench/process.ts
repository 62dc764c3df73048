/**
 * Starts a server under test as its own process (so it is measured alone), reads its port from
 * the first stdout line (`{"port":n}`), reads its resident memory from /proc, and stops it.
 * Every process started here is killed by `stop()`; callers stop in `finally`.
 * @module
 */

/** A running server process. */
export interface ServerProcess {
  name: string;
  port: number;
  pid: number;
  /** Resident set size in bytes (/proc/<pid>/status VmRSS). */
  rss(): Promise<number>;
  /** Sends SIGTERM, then SIGKILL after 3 s; waits for the exit. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 120_000;

/**
 * Spawns `cmd args` and waits for its port line.
 *
 * @param name For logs (stderr goes to bench/out/<name>.log).
 * @param cmd Executable.
 * @param args Arguments.
 * @param env Extra environment.
 * @returns The running process.
 *
 * @example
 * ```ts ignore
 * const bare = await spawnServer("bare", Deno.execPath(), ["run", "-A", "bench/servers/bare_relay.ts"]);
 * try { console.log(bare.port); } finally { await bare.stop(); }
 * ```
 */
export async function spawnServer(
  name: string,
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const outDir = new URL("./out/", import.meta.url).pathname;
  await Deno.mkdir(outDir, { recursive: true });
  const log = await Deno.open(`${outDir}${name}.log`, {
    write: true,
    create: true,
    truncate: true,
  });
  const child = new Deno.Command(cmd, {
    args,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  void child.stderr.pipeTo(log.writable).catch(() => {});
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // already gone
    }
    const killer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }, 3000);
    await child.status;
    clearTimeout(killer);
  };
  try {
    const port = await Promise.race([
      (async () => {
        for (let i = 0; i < 10_000; i++) {
          const { value, done } = await lines.read();
          if (done) throw new Error(`Cannot start ${name}: it exited before printing its port`);
          buffered += value;
          const nl = buffered.indexOf("\n");
          if (nl >= 0) return (JSON.parse(buffered.slice(0, nl)) as { port: number }).port;
        }
        throw new Error(`Cannot start ${name}: no port line`);
      })(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Cannot start ${name}: no port within ${START_TIMEOUT_MS} ms`)),
          START_TIMEOUT_MS,
        );
      }),
    ]);
    clearTimeout(timer);
    // Keep draining stdout so the child never blocks on a full pipe.
    void (async () => {
      for (let i = 0; i < 1e9; i++) if ((await lines.read()).done) break;
    })().catch(() => {});
    return { name, port, pid: child.pid, rss: () => readRss(child.pid), stop };
  } catch (e) {
    clearTimeout(timer);
    await stop();
    throw e;
  }
}

/**
 * Resident memory of a process in bytes.
 *
 * @param pid Process id.
 * @returns VmRSS from /proc/<pid>/status.
 */
export async function readRss(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  if (!m) throw new Error(`Cannot read the memory of process ${pid}: no VmRSS`);
  return Number(m[1]) * 1024;
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * CPU time (user + system) a process has used, in seconds (/proc/<pid>/stat, 100 ticks/s).
 *
 * @param pid Process id ("self" for this process).
 */
export async function readCpuSeconds(pid: number | "self"): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  // Fields after the command name (which may contain spaces) start at ") ".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
