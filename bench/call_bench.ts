/**
 * Benchmark 8, calls (issue 13): the real app in Chromium pages with fake camera and microphone
 * (640×360), on the real server and chain, against a plain WebRTC call in the same browser and the
 * same run (call_plain.ts: no server, no chain, no checks).
 *
 * - **Accept → first frame.** In the callee's page, from the Accept click to the caller's video
 *   having its first decoded frame (`readyState` ≥ HAVE_CURRENT_DATA and a width), polled every
 *   2 ms. Mesh3: devices opened, `join` on the sealed call channel, the offerer's renegotiation
 *   through the server (its offer check) and the peer's own check against the chain. Plain: devices
 *   opened, "join" and the renegotiation over the pair's DataChannel. Direct and relay only
 *   (coturn), `runs` each, alternating.
 * - **CPU per peer.** 2 and 4 people in a video call (a mesh: each sends to and receives from
 *   every other), once media flows everywhere: CPU seconds of the whole Chromium process tree over
 *   `window` seconds, divided by window and peers; the same call again with every video element
 *   hidden (what painting costs); then an audio call between the same people; and the same number
 *   of plain pages in a plain video mesh, each remote video shown. The mesh limits
 *   (`CALL_LIMITS`) come from the two sizes (`meshFit` in stats.ts).
 * @module
 */
import { type Browser, chromium, type Page } from "playwright-core";
import type { TestChain } from "../testing/chain.ts";
import { createRoom, joinRoom, person, waitForOpenPeer } from "../tests/browser/app_flow.ts";
import { startAppServer, type TestAppServer } from "../tests/browser/app_server.ts";
import { call, type Peer, waitForMedia } from "../tests/browser/call_flow.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../tests/browser/chromium.ts";
import { type Coturn, startCoturn } from "../tests/browser/coturn.ts";
import { playwrightPage } from "../tests/browser/playwright_page.ts";
import { chromiumMediaArgs } from "../tests/browser/test_browser.ts";
import { plainConnect, plainHooks, plainMeshMedia } from "./call_plain.ts";
import { readCpuSeconds, sleep } from "./process.ts";
import { median } from "./stats.ts";

/** What benchmark 8 reports. */
export interface CallBenchReport {
  firstFrame: { path: "direct" | "relay"; mesh3: number[]; plain: number[] }[];
  cpu: {
    peers: number;
    seconds: number;
    /** Video call. */
    mesh3PerPeer: number;
    /** The same video call with every video element hidden (what painting costs). */
    mesh3UnpaintedPerPeer: number;
    /** An audio call between the same people. */
    mesh3AudioPerPeer: number;
    /** A plain video mesh, each remote video shown. */
    plainPerPeer: number;
  }[];
}

type Log = (line: string) => void;

/**
 * Runs benchmark 8.
 *
 * @example
 * ```ts ignore
 * const report = await callBench(chain, console.log, { runs: 5, window: 15 });
 * ```
 */
export async function callBench(
  chain: TestChain,
  log: Log,
  o: { runs: number; window: number; meshes: number[] } = { runs: 5, window: 15, meshes: [2, 4] },
): Promise<CallBenchReport> {
  const report: CallBenchReport = { firstFrame: [], cpu: [] };
  let turn: Coturn | undefined;
  let blank: { url: string; stop(): Promise<void> } | undefined;
  const apps: TestAppServer[] = [];
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...chromiumMediaArgs("fake")],
  });
  try {
    blank = blankPage();
    turn = await startCoturn();
    const relayIce: RTCConfiguration = {
      iceServers: [{ urls: turn.url, username: turn.username, credential: turn.credential }],
      iceTransportPolicy: "relay",
    };
    const direct = await startAppServer(chain);
    apps.push(direct);
    const relay = await startAppServer(chain, {
      env: {
        MESH3_TURN_URLS: turn.url,
        MESH3_TURN_USERNAME: turn.username,
        MESH3_TURN_CREDENTIAL: turn.credential,
        MESH3_ICE_POLICY: "relay",
      },
    });
    apps.push(relay);
    let account = 1;
    for (const [path, app, ice] of [["direct", direct, {}], ["relay", relay, relayIce]] as const) {
      const row = { path, mesh3: [] as number[], plain: [] as number[] };
      log(`calls: ${path}: two people meet in a room`);
      const people = await pair(browser, chain, app, [account++, account++]);
      const plain = await plainPages(browser, app.url, 2);
      for (let i = 0; i < o.runs; i++) {
        row.mesh3.push(await mesh3FirstFrame(people[0], people[1]));
        row.plain.push(await plainFirstFrame(plain[0], plain[1], `run${i}`, ice));
        log(
          `calls: ${path} run ${i + 1}: mesh3 ${row.mesh3.at(-1)!.toFixed(0)} ms, plain ${
            row.plain.at(-1)!.toFixed(0)
          } ms`,
        );
      }
      for (const p of [...people, ...plain]) await p.context().close();
      report.firstFrame.push(row);
    }
    for (const n of o.meshes) {
      log(`calls: ${n}-peer mesh: plain pages`);
      const plain = await plainMesh(browser, blank.url, n);
      await sleep(3_000);
      const b = await cpuPerPeer(n, o.window);
      for (const p of plain) await p.context().close();
      log(`calls: ${n}-peer mesh: ${n} people meet in a room`);
      const people = await mesh3Room(browser, chain, direct, n, account, log);
      account += n;
      log(`calls: ${n}-peer mesh: video call`);
      await mesh3Call(people, true);
      await sleep(3_000);
      const m = await cpuPerPeer(n, o.window);
      // Where it goes: the same call with no video painted (tiles and self-view hidden).
      await Promise.all(people.map((p) => p.page.evaluate(hideVideos)));
      await sleep(1_000);
      const unpainted = await cpuPerPeer(n, o.window);
      log(`calls: ${n}-peer mesh: audio call`);
      await mesh3HangUp(people);
      await mesh3Call(people, false);
      await sleep(3_000);
      const audio = await cpuPerPeer(n, o.window);
      for (const p of people) await p.page.context().close();
      report.cpu.push({
        peers: n,
        seconds: o.window,
        mesh3PerPeer: m,
        mesh3UnpaintedPerPeer: unpainted,
        mesh3AudioPerPeer: audio,
        plainPerPeer: b,
      });
      const pc = (x: number) => `${(x * 100).toFixed(1)} %`;
      log(
        `calls: ${n}-peer mesh, CPU per peer: video mesh3 ${pc(m)} (no video painted ${
          pc(unpainted)
        }), plain ${pc(b)}; audio mesh3 ${pc(audio)}`,
      );
    }
  } finally {
    await browser.close().catch(() => {});
    for (const app of apps) await app.stop();
    await turn?.stop();
    await blank?.stop();
  }
  return report;
}

async function pair(browser: Browser, chain: TestChain, app: TestAppServer, accounts: number[]) {
  const [a, b] = await Promise.all(accounts.map((i) => person(browser, chain, i)));
  const link = await createRoom(a.page, app.url);
  await a.page.goto(link);
  await a.page.getByTestId("join-room").click();
  await joinRoom(b.page, link);
  await waitForOpenPeer(a.page, b.page);
  return [a.page, b.page];
}

/** A starts a video call; B's Accept → A's first frame on B; both hang up. */
async function mesh3FirstFrame(a: Page, b: Page): Promise<number> {
  await a.getByTestId("call-start-video").click();
  await b.getByTestId("call-accept").waitFor();
  const ms = await b.evaluate(() =>
    new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      (document.querySelector('[data-testid="call-accept"]') as HTMLButtonElement).click();
      const look = () => {
        const v = document.querySelector('[data-testid="call-tile"] video') as HTMLVideoElement;
        if (v && v.readyState >= 2 && v.videoWidth > 0) return resolve(performance.now() - t0);
        if (performance.now() - t0 > 30_000) return reject(new Error("no frame in 30 s"));
        setTimeout(look, 2);
      };
      look();
    })
  );
  await b.getByTestId("call-hang-up").click();
  for (const p of [a, b]) {
    await p.locator('[data-testid="call-panel"][data-phase="idle"]').waitFor();
  }
  return ms;
}

async function plainPages(browser: Browser, url: string, n: number): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < n; i++) {
    const context = await browser.newContext();
    await context.addInitScript(plainHooks);
    const page = await context.newPage();
    await page.goto(url);
    pages.push(page);
  }
  return pages;
}

type PlainApi = {
  caller(n: string): Promise<void>;
  accept(n: string): Promise<number>;
  media(n: string, offering: boolean): Promise<void>;
};
const api = () => (globalThis as unknown as { plain: PlainApi }).plain;

async function plainFirstFrame(a: Page, b: Page, name: string, ice: RTCConfiguration) {
  await plainConnect(a, b, name, ice);
  await a.evaluate(`(${api})().caller(${JSON.stringify(name)})`);
  return await b.evaluate(`(${api})().accept(${JSON.stringify(name)})`) as number;
}

type RoomPeer = { page: Page; peer: Peer };

async function mesh3Room(
  browser: Browser,
  chain: TestChain,
  app: TestAppServer,
  n: number,
  first: number,
  log: Log,
): Promise<RoomPeer[]> {
  const people = await Promise.all(
    Array.from({ length: n }, (_, i) => person(browser, chain, first + i)),
  );
  const link = await createRoom(people[0].page, app.url);
  await people[0].page.goto(link);
  await people[0].page.getByTestId("join-room").click();
  for (const p of people.slice(1)) await joinRoom(p.page, link);
  log(`calls: ${n}-peer mesh: everyone joined; waiting for every link to open`);
  for (const p of people) {
    await p.page.waitForFunction(
      (k) => document.querySelectorAll('[data-testid="peer"][data-state="open"]').length >= k,
      n - 1,
      { timeout: 60_000 },
    );
  }
  return people.map((p) => ({
    page: p.page,
    peer: { page: playwrightPage(p.page), address: p.address },
  }));
}

/** The first person calls everyone; returns once media flows between every two. */
async function mesh3Call(people: RoomPeer[], video: boolean): Promise<void> {
  const peers = people.map((p) => p.peer);
  await call(peers[0], peers.slice(1), video);
  for (let i = 0; i < peers.length; i++) {
    for (let j = i + 1; j < peers.length; j++) await waitForMedia(peers[i], peers[j], video);
  }
}

async function mesh3HangUp(people: RoomPeer[]): Promise<void> {
  for (const p of people) {
    const button = p.page.getByTestId("call-hang-up");
    // The last one in a call is left alone and its call ends by itself: its button goes.
    if (await button.count()) await button.click({ timeout: 5_000 }).catch(() => {});
  }
  for (const p of people) {
    await p.page.locator('[data-testid="call-panel"][data-phase="idle"]').waitFor();
  }
}

/** Runs in a page: no video element is painted any more (decoding goes on). */
function hideVideos(): void {
  for (const v of document.querySelectorAll("video")) v.style.visibility = "hidden";
}

async function plainMesh(browser: Browser, url: string, n: number): Promise<Page[]> {
  const pages = await plainPages(browser, url, n);
  await plainMeshMedia(pages);
  return pages;
}

/**
 * An empty page on loopback for the plain mesh: a plain call's page is only the call (on the app's
 * origin the app's own page would load and run too, and its fourth page never got media).
 */
function blankPage(): { url: string; stop(): Promise<void> } {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () =>
      new Response("<!doctype html><title>plain</title>", {
        headers: { "content-type": "text/html" },
      }),
  );
  return { url: `http://127.0.0.1:${server.addr.port}/`, stop: () => server.shutdown() };
}

/** CPU of the whole Chromium tree over `seconds`, per second and per peer (1.0 = one core). */
async function cpuPerPeer(peers: number, seconds: number): Promise<number> {
  const before = await chromiumCpu();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const after = await chromiumCpu();
  const elapsed = (performance.now() - t0) / 1000;
  return (after - before) / elapsed / peers;
}

/** CPU seconds of every Chromium process descending from this one. */
async function chromiumCpu(): Promise<number> {
  const parent = new Map<number, number>();
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const stat = await Deno.readTextFile(`/proc/${e.name}/stat`).catch(() => "");
    if (!stat) continue;
    parent.set(Number(e.name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
  }
  let total = 0;
  for (const pid of parent.keys()) {
    let p = pid;
    for (let i = 0; i < 30 && p && p !== Deno.pid; i++) p = parent.get(p) ?? 0;
    if (p !== Deno.pid) continue;
    const cmd = await Deno.readTextFile(`/proc/${pid}/cmdline`).catch(() => "");
    if (!cmd.includes("chrom")) continue;
    total += await readCpuSeconds(pid).catch(() => 0);
  }
  return total;
}

/** Median of a list (for the report). */
export function medianMs(xs: number[]): number {
  return median(xs);
}
