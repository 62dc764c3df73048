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
 * - **CPU per peer** (call_mesh.ts). 2, 3 and 4 people in a video call (a mesh: each sends to
 *   and receives from every other), once media flows everywhere: CPU seconds of the whole Chromium
 *   process tree over `window` seconds, divided by window and people, by process kind; the same
 *   call with the self-view hidden, then with every video element hidden (what painting costs);
 *   then an audio call between the same people; and the same number of plain pages in a plain
 *   video mesh, each remote video shown, with and without Mesh3's video bitrate cap. The mesh
 *   limits (`CALL_LIMITS`) come from the two smallest meshes (`meshFit` in stats.ts).
 * @module
 */
import { type Browser, chromium, type Page } from "playwright-core";
import type { TestChain } from "../testing/chain.ts";
import { createRoom, joinRoom, person, waitForOpenPeer } from "../tests/browser/app_flow.ts";
import { startAppServer, type TestAppServer } from "../tests/browser/app_server.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../tests/browser/chromium.ts";
import { type Coturn, startCoturn } from "../tests/browser/coturn.ts";
import { chromiumMediaArgs } from "../tests/browser/test_browser.ts";
import { blankPage, type MeshCpu, meshCpu, plainPages } from "./call_mesh.ts";
import { closePlainPages, plainConnect } from "./call_plain.ts";
import { median } from "./stats.ts";

/** What benchmark 8 reports. */
export interface CallBenchReport {
  firstFrame: { path: "direct" | "relay"; mesh3: number[]; plain: number[] }[];
  cpu: MeshCpu[];
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
  o: { runs: number; window: number; meshes: number[] } = {
    runs: 5,
    window: 15,
    meshes: [2, 3, 4],
  },
): Promise<CallBenchReport> {
  const report: CallBenchReport = { firstFrame: [], cpu: [] };
  let turn: Coturn | undefined;
  let blank: { url: string; stop(): Promise<void> } | undefined;
  const apps: TestAppServer[] = [];
  const launch = () =>
    chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS, ...chromiumMediaArgs("fake")],
    });
  let browser = await launch();
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
        // Hung up, as the Mesh3 call was: the next run starts with no media flowing.
        for (const p of plain) await p.evaluate(`(${api})().close("run${i}")`);
        log(
          `calls: ${path} run ${i + 1}: mesh3 ${row.mesh3.at(-1)!.toFixed(0)} ms, plain ${
            row.plain.at(-1)!.toFixed(0)
          } ms`,
        );
      }
      for (const p of people) await p.context().close();
      await closePlainPages(plain);
      report.firstFrame.push(row);
    }
    for (const n of o.meshes) {
      // Each mesh in a browser of its own: one size's leftovers (devices, connections) cannot
      // touch the next (bench/README.md, 8, "The stalled 4-person mesh").
      await browser.close();
      browser = await launch();
      report.cpu.push(await meshCpu(browser, chain, direct, blank.url, n, account, o.window, log));
      account += n;
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

type PlainApi = {
  close(n: string): Promise<void>;
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

/** Median of a list (for the report). */
export function medianMs(xs: number[]): number {
  return median(xs);
}
