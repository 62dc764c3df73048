/**
 * The CPU part of benchmark 8: an n-person video mesh of plain pages (call_plain.ts) and of the
 * real app, measured by process kind with what the encoders sent (call_cpu.ts); then a Mesh3 audio
 * call between the same people.
 * @module
 */
import type { Browser, Page } from "playwright-core";
import { videoBitrateFor } from "../app/client/calls/mod.ts";
import type { TestChain } from "../testing/chain.ts";
import { createRoom, joinRoom, person } from "../tests/browser/app_flow.ts";
import type { TestAppServer } from "../tests/browser/app_server.ts";
import { call, type Peer, waitForMedia } from "../tests/browser/call_flow.ts";
import { playwrightPage } from "../tests/browser/playwright_page.ts";
import {
  cpuPerPeer,
  type CpuShare,
  describeCpu,
  describeSent,
  recordConnections,
  sentVideo,
} from "./call_cpu.ts";
import { closePlainPages, plainHooks, plainMeshMedia } from "./call_plain.ts";
import { summarizeProfile } from "./cpu_profile.ts";
import { sleep } from "./process.ts";

type Log = (line: string) => void;

/** CPU per person in one mesh size (1.0 = one core). */
export interface MeshCpu {
  peers: number;
  seconds: number;
  /** Video call. */
  mesh3PerPeer: number;
  /** The same video call with every video element hidden (what painting costs). */
  mesh3UnpaintedPerPeer: number;
  /** An audio call between the same people. */
  mesh3AudioPerPeer: number;
  /** The same Mesh3 video call with the self-view hidden (the plain pages show none). */
  mesh3NoSelfViewPerPeer: number;
  /** A plain video mesh, each remote video shown, with Mesh3's video bitrate cap. */
  plainPerPeer: number;
  /** The same plain mesh before the cap (the browser's own bitrate). */
  plainUncappedPerPeer: number;
  /** The same plain mesh with every video element hidden. */
  plainUnpaintedPerPeer: number;
  /** The video calls' CPU per person by process kind (renderer, gpu, network, …). */
  kinds: { mesh3: Record<string, number>; plain: Record<string, number> };
  /** What the video senders sent meanwhile (size, frame rate, limits), one line each. */
  sent: { mesh3: string; plain: string; plainUncapped: string };
}

/** Pages on `url` running the plain call (call_plain.ts), each in its own context. */
export async function plainPages(browser: Browser, url: string, n: number): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < n; i++) {
    const context = await browser.newContext();
    await context.addInitScript(recordConnections);
    await context.addInitScript(plainHooks);
    const page = await context.newPage();
    await page.goto(url);
    pages.push(page);
  }
  return pages;
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
  for (const p of people) await p.page.context().addInitScript(recordConnections);
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

/**
 * With `MESH3_BENCH_CALL_PROFILE=1`: profiles `page`'s JavaScript (CDP `Profiler`) while `f` runs
 * and logs where its busy samples went.
 */
async function profiled<T>(page: Page, log: Log, f: () => Promise<T>): Promise<T> {
  if (Deno.env.get("MESH3_BENCH_CALL_PROFILE") !== "1") return await f();
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 1000 });
    await cdp.send("Profiler.start");
    const result = await f();
    const { profile } = await cdp.send("Profiler.stop");
    const p = profile as Parameters<typeof summarizeProfile>[0];
    const sum = summarizeProfile(p);
    const busy = sum.samples / Math.max(1, p.samples.length);
    log(`calls: page main thread busy in ${(busy * 100).toFixed(1)} % of the samples`);
    for (const row of sum.topFunctions.slice(0, 12)) log(`calls:   ${row.share} % ${row.name}`);
    return result;
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/** Runs in a page: caps every video sender's bitrate (bits/s), as Mesh3 does. */
async function capVideo(maxBitrate: number): Promise<void> {
  const pcs = (globalThis as unknown as { benchConnections?: RTCPeerConnection[] })
    .benchConnections ?? [];
  for (const pc of pcs) {
    for (const sender of pc.getSenders()) {
      if (sender.track?.kind !== "video") continue;
      const params = sender.getParameters();
      if (!params.encodings?.length) continue;
      params.encodings[0] = { ...params.encodings[0], maxBitrate };
      await sender.setParameters(params);
    }
  }
}

/**
 * With `MESH3_BENCH_CALL_EXPLORE=1`: the Mesh3 call again with parts of its tiles taken away one
 * after the other (captions, borders, everything but the videos), to see what costs.
 */
async function explore(pages: Page[], measure: (p: Page[], what: string) => Promise<unknown>) {
  // Element styles, not a style sheet: the app's Content-Security-Policy allows no inline sheet.
  const steps: [string, string][] = [
    ["no tile captions", '[data-testid="call-tile"] > :not(video):not(audio)'],
    ["no tile borders", '[data-testid="call-tile"]'],
    ["only videos shown", "body *:not(video)"],
  ];
  for (const [what, selector] of steps) {
    await Promise.all(pages.map((p) =>
      p.evaluate(([sel, step]) => {
        for (const el of document.querySelectorAll<HTMLElement>(sel)) {
          if (step === "no tile borders") el.style.cssText += ";border:0;box-shadow:none";
          else el.style.visibility = "hidden";
        }
        for (const v of document.querySelectorAll<HTMLElement>("video")) {
          if (v.style.visibility !== "hidden" || step === "only videos shown") {
            v.style.visibility = "visible";
          }
        }
      }, [selector, what] as const)
    ));
    await sleep(1_000);
    await measure(pages, `Mesh3 video, ${what}`);
  }
  // Everything shown again: the controls must be visible to be clicked (hang up).
  await Promise.all(pages.map((p) =>
    p.evaluate(() => {
      for (const el of document.querySelectorAll<HTMLElement>("body *")) el.style.visibility = "";
    })
  ));
}

/** Runs in a page: the self-view is not painted any more. */
function hideSelfView(): void {
  const v = document.querySelector('[data-testid="call-local-video"]') as HTMLElement | null;
  if (v) v.style.visibility = "hidden";
}

/** Runs in a page: the shown videos' sizes ("480×270"), for the log. */
function videoSizes(): string {
  return [...document.querySelectorAll("video")].filter((v) => v.style.visibility !== "hidden")
    .map((v) => `${v.clientWidth}×${v.clientHeight}`).join(" ");
}

/**
 * CPU per person in an `n`-person video mesh, plain and Mesh3 (painted, without self-view, not
 * painted), and in a Mesh3 audio call; with what the encoders sent meanwhile.
 */
export async function meshCpu(
  browser: Browser,
  chain: TestChain,
  app: TestAppServer,
  blankUrl: string,
  n: number,
  account: number,
  window: number,
  log: Log,
): Promise<MeshCpu> {
  const measure = async (pages: Page[], what: string): Promise<CpuShare> => {
    const cpu = await cpuPerPeer(n, window);
    log(
      `calls: ${n}-peer ${what}: ${describeCpu(cpu)}; videos ${await pages[0].evaluate(
        videoSizes,
      )}`,
    );
    return cpu;
  };
  log(`calls: ${n}-peer mesh: plain pages`);
  const plain = await plainMesh(browser, blankUrl, n, log);
  await sleep(3_000);
  const uncapped = await measure(plain, "plain video");
  const uncappedSent = describeSent(await Promise.all(plain.map(sentVideo)));
  log(`calls: ${n}-peer plain sent: ${uncappedSent}`);
  // The same encodings as Mesh3's: its video bitrate cap for this many peers (videoBitrateFor).
  await Promise.all(plain.map((p) => p.evaluate(capVideo, videoBitrateFor(n - 1))));
  await sleep(3_000);
  const b = await measure(plain, "plain video, Mesh3's bitrate cap");
  const plainSent = describeSent(await Promise.all(plain.map(sentVideo)));
  log(`calls: ${n}-peer plain sent with the cap: ${plainSent}`);
  await Promise.all(plain.map((p) => p.evaluate(hideVideos)));
  await sleep(1_000);
  const bUnpainted = await measure(plain, "plain, no video painted");
  await closePlainPages(plain);
  log(`calls: ${n}-peer mesh: ${n} people meet in a room`);
  const people = await mesh3Room(browser, chain, app, n, account, log);
  const pages = people.map((p) => p.page);
  log(`calls: ${n}-peer mesh: video call`);
  await mesh3Call(people, true);
  await sleep(3_000);
  const m = await profiled(pages[0], log, () => measure(pages, "Mesh3 video"));
  const mesh3Sent = describeSent(await Promise.all(pages.map(sentVideo)));
  log(`calls: ${n}-peer Mesh3 sent: ${mesh3Sent}`);
  if (Deno.env.get("MESH3_BENCH_CALL_EXPLORE") === "1" && n === 2) await explore(pages, measure);
  await Promise.all(pages.map((p) => p.evaluate(hideSelfView)));
  await sleep(1_000);
  const noSelf = await measure(pages, "Mesh3 video, no self-view");
  // Where it goes: the same call with no video painted (tiles and self-view hidden).
  await Promise.all(pages.map((p) => p.evaluate(hideVideos)));
  await sleep(1_000);
  const unpainted = await measure(pages, "Mesh3 video, no video painted");
  log(`calls: ${n}-peer mesh: audio call`);
  await mesh3HangUp(people);
  await mesh3Call(people, false);
  await sleep(3_000);
  const audio = await measure(pages, "Mesh3 audio");
  // Hung up first: the app then stops its tracks (a device left open in a closed context is not
  // given back, and later pages' getUserMedia stalls; see call_plain.ts `release`).
  await mesh3HangUp(people);
  for (const p of pages) await p.context().close();
  return {
    peers: n,
    seconds: window,
    mesh3PerPeer: m.total,
    mesh3NoSelfViewPerPeer: noSelf.total,
    mesh3UnpaintedPerPeer: unpainted.total,
    mesh3AudioPerPeer: audio.total,
    plainPerPeer: b.total,
    plainUncappedPerPeer: uncapped.total,
    plainUnpaintedPerPeer: bUnpainted.total,
    kinds: { mesh3: m.kinds, plain: b.kinds },
    sent: { mesh3: mesh3Sent, plain: plainSent, plainUncapped: uncappedSent },
  };
}

async function plainMesh(browser: Browser, url: string, n: number, log: Log): Promise<Page[]> {
  const pages = await plainPages(browser, url, n);
  await plainMeshMedia(pages, (line) => log(`calls: ${line}`));
  return pages;
}

/**
 * An empty page on loopback for the plain mesh: a plain call's page is only the call (on the app's
 * origin the app's own page would load and run too, and its fourth page never got media).
 */
export function blankPage(): { url: string; stop(): Promise<void> } {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () =>
      new Response("<!doctype html><title>plain</title>", {
        headers: { "content-type": "text/html" },
      }),
  );
  return { url: `http://127.0.0.1:${server.addr.port}/`, stop: () => server.shutdown() };
}
