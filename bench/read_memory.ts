/**
 * By hand (issue 12): a fresh Chromium page's renderer RSS growth while it reads a 512 MiB file in
 * 255 KiB slices (`slice().arrayBuffer()`), each way given on the command line: `plain` (nothing
 * else), `release` (each slice detached with `transfer(0)` once read), `seal` (AES-GCM sealed and
 * copied into a frame, as the sender does), `seal-release` (and every buffer detached), `stream`
 * (`file.stream()` read through). RSS from /proc every 200 ms, peak growth over the value before.
 *
 * `deno run -A bench/read_memory.ts plain release seal seal-release stream`
 * @module
 */
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../tests/browser/chromium.ts";
import { writeRandomFile } from "../tests/browser/file_flow.ts";
import { readRss, sleep } from "./process.ts";
import { browserPid } from "./file_watch.ts";

const MiB = 1024 * 1024;
const dir = "/tmp/f3mem";
const file = await writeRandomFile(dir, "probe.bin", 512 * MiB, 3);
const modes = Deno.args.length ? Deno.args : ["plain", "release", "seal", "seal-release", "stream"];
for (const mode of modes) {
  const profile = await Deno.makeTempDir({ prefix: "f3-probe-" });
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
  });
  const page = browser.pages()[0] ?? await browser.newPage();
  const root = await browserPid(profile);
  await Deno.writeTextFile(`${dir}/probe.html`, '<input type="file" id="f">');
  await page.goto(`file://${dir}/probe.html`);
  await page.locator("#f").setInputFiles(file.path);
  const pids: number[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const cmd = await Deno.readTextFile(`/proc/${e.name}/cmdline`).catch(() => "");
    if (!cmd.includes("--type=renderer")) continue;
    const stat = await Deno.readTextFile(`/proc/${e.name}/stat`).catch(() => "");
    let ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    for (let i = 0; i < 5 && ppid && ppid !== root; i++) {
      const st = await Deno.readTextFile(`/proc/${ppid}/stat`).catch(() => "");
      ppid = Number(st.slice(st.lastIndexOf(")") + 2).split(" ")[1]);
    }
    if (ppid === root) pids.push(Number(e.name));
  }
  const rss = async () =>
    Math.max(...await Promise.all(pids.map((p) => readRss(p).catch(() => 0))));
  const base = await rss();
  let peak = base;
  let done = false;
  const watcher = (async () => {
    while (!done) {
      peak = Math.max(peak, await rss());
      await sleep(200);
    }
  })();
  const t0 = performance.now();
  await page.evaluate(async (mode) => {
    const f = (document.getElementById("f") as HTMLInputElement).files![0];
    const chunk = 261120;
    const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, [
      "encrypt",
    ]);
    const rel = (b: ArrayBuffer) => mode.endsWith("release") && b.transfer(0);
    if (mode === "stream") {
      const r = f.stream().getReader();
      for (;;) {
        const { done, value } = await r.read();
        if (done) break;
        void value;
      }
      return;
    }
    for (let at = 0; at < f.size; at += chunk) {
      const b = await f.slice(at, at + chunk).arrayBuffer();
      if (mode.startsWith("seal")) {
        const iv = new Uint8Array(12);
        new DataView(iv.buffer).setUint32(0, at / chunk);
        const s = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, b);
        const frame = new Uint8Array(s.byteLength + 33);
        frame.set(new Uint8Array(s), 33);
        rel(s);
        rel(frame.buffer);
      }
      rel(b);
    }
  }, mode);
  done = true;
  await watcher;
  console.log(
    `${mode}: renderer RSS growth peak ${
      ((peak - base) / MiB).toFixed(1)
    } MiB (${pids.length} renderer(s)), ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  await browser.close();
  await Deno.remove(profile, { recursive: true });
}
await Deno.remove(dir, { recursive: true });
