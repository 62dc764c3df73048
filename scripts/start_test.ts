import assert from "node:assert/strict";

const START = new URL("./start.ts", import.meta.url).pathname;
const ROOT = new URL("..", import.meta.url).pathname;

/** Every process below `pid`, from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(Number(entry.name), ppid);
    } catch { /* exited meanwhile */ }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Runs `deno task start` until `/` answers 200, then stops it with `signal`. */
async function startAndStop(signal: "SIGINT" | "SIGTERM"): Promise<void> {
  const port = freePort();
  const env: Record<string, string> = { MESH3_PORT: String(port), MESH3_HOST: "127.0.0.1" };
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", START],
    cwd: ROOT,
    env: { ...env, MESH3_RPC_URL: "" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  let exited = false;
  child.status.then(() => exited = true);
  try {
    let status = 0;
    for (let i = 0; i < 120 && !exited && status !== 200; i++) {
      status = await fetch(`http://127.0.0.1:${port}/`).then(async (res) => {
        await res.body?.cancel();
        return res.status;
      }, () => 0);
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.equal(status, 200, `start did not serve / (stderr: ${exited ? await stderr : ""})`);
    const family = descendants(child.pid);
    assert.ok(family.length > 0);

    child.kill(signal);
    const { code } = await child.status;
    assert.equal(code, 0);
    for (let i = 0; i < 50 && family.some(alive); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(family.filter(alive), [], "orphan processes remain");
  } finally {
    if (!exited) child.kill("SIGKILL");
    await child.status;
    await stderr;
  }
}

Deno.test("deno task start: chain + registry + server, and nothing left after a signal", async (t) => {
  await t.step("behavior: serves / and SIGTERM stops every child", async () => {
    await startAndStop("SIGTERM");
  });
  // A second run finds the recorded deployment but (if it started the chain) a fresh chain:
  // it redeploys and serves again.
  await t.step("behavior: starts again after a stop; SIGINT stops every child", async () => {
    await startAndStop("SIGINT");
  });
});
