/**
 * Profiles a server process started with `--inspect=127.0.0.1:<port>` through the V8 inspector
 * protocol (Profiler domain), and sums self time by function and by where the code comes from.
 * Deno has no `--cpu-prof` flag; the inspector gives the same `.cpuprofile`.
 * @module
 */

/** A V8 CPU profile (the `.cpuprofile` format). */
interface Profile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time of one function or one origin, as a share of samples. */
export interface ProfileRow {
  name: string;
  share: number;
}

/** What the profile shows. */
export interface ProfileSummary {
  samples: number;
  /** Share of busy samples spent reporting to the inspector itself (left out of the rest). */
  inspectorShare: number;
  byOrigin: ProfileRow[];
  topFunctions: ProfileRow[];
}

/** Finds a free loopback port (closed again before use; fine on loopback). */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

function origin(url: string, fn: string): string {
  if (!url) return fn.startsWith("(") ? fn : "V8 builtins / native";
  if (url.includes("/app/server/")) return "app/server (Mesh3 server)";
  if (url.includes("/app/core/")) return "app/core (wire parser, commitment)";
  if (url.includes("/app/chain/")) return "app/chain";
  const m = /node_modules\/\.deno\/([^/@]+|@[^/]+\/[^/@]+)@/.exec(url) ??
    /npm\/[^/]+\/([^/]+|@[^/]+\/[^/]+)\//.exec(url);
  if (m) return `npm:${m[1].replace(/\+/, "/")}`;
  if (url.startsWith("ext:")) return "Deno runtime (ext:)";
  return url.replace(/^file:\/\/.*\/main\//, "");
}

/**
 * Runs `f` while the process at `port` is profiled.
 *
 * @param port The process's inspector port.
 * @param f The load to profile.
 * @returns The summary; the raw profile is written to `file`.
 */
export async function profileWhile(
  port: number,
  file: string,
  f: () => Promise<void>,
): Promise<ProfileSummary> {
  const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const ws = new WebSocket(list[0].webSocketDebuggerUrl);
  await new Promise((r, j) => {
    ws.onopen = r;
    ws.onerror = j;
  });
  let id = 0;
  const waiting = new Map<number, (v: unknown) => void>();
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    if (m.id !== undefined) waiting.get(m.id)?.(m.result);
  };
  const call = (method: string, params: unknown = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const n = ++id;
      const t = setTimeout(() => reject(new Error(`Cannot profile: ${method} timed out`)), 30_000);
      waiting.set(n, (v) => {
        clearTimeout(t);
        resolve(v);
      });
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  try {
    await call("Profiler.enable");
    await call("Profiler.setSamplingInterval", { interval: 200 });
    await call("Profiler.start");
    await f();
    const { profile } = await call("Profiler.stop") as { profile: Profile };
    await Deno.writeTextFile(file, JSON.stringify(profile));
    return summarizeProfile(profile);
  } finally {
    ws.close();
  }
}

/**
 * Sums self samples by origin and by function (idle excluded from shares).
 *
 * @param p A CPU profile.
 */
export function summarizeProfile(p: Profile): ProfileSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  const origins = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  let inspector = 0;
  for (const s of p.samples) {
    const cf = byId.get(s);
    if (!cf || cf.functionName === "(idle)") continue;
    // With a session attached Deno reports each WebSocket message to the inspector: not the
    // server's own cost.
    if (
      cf.functionName.startsWith("op_inspector") || cf.url.includes("inspector_network_bridge")
    ) {
      inspector++;
      continue;
    }
    total++;
    const o = origin(cf.url, cf.functionName);
    origins.set(o, (origins.get(o) ?? 0) + 1);
    const short = cf.url.replace(/^.*\/(node_modules\/\.deno\/)?/, "");
    const name = `${cf.functionName || "(anonymous)"} ${short}:${cf.lineNumber + 1}`;
    fns.set(name, (fns.get(name) ?? 0) + 1);
  }
  const rows = (m: Map<string, number>, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, c]) => ({
      name,
      share: Math.round((c / Math.max(1, total)) * 1000) / 10,
    }));
  return {
    samples: total,
    inspectorShare: Math.round((inspector / Math.max(1, inspector + total)) * 1000) / 10,
    byOrigin: rows(origins, 12),
    topFunctions: rows(fns, 20),
  };
}
