/**
 * Steps and checks of the call browser tests (either engine): start, accept, the inbound media
 * figures a peer's tile carries (read from the link's inbound-rtp statistics by the engine), and
 * bounded waits on them.
 * @module
 */
import assert from "node:assert/strict";
import { createRoom, joinRoom, type Person, waitForOpenPeer } from "./app_flow.ts";
import type { TestPage } from "./test_page.ts";

/** What a tile shows about a peer's inbound media. */
export interface TileFigures {
  status: string;
  framesDecoded: number;
  audioEnergy: number;
  audioPackets: number;
  path: string;
  verified: boolean;
}

/** The figures on `page`'s tile of `peer` (null when there is no such tile). */
export function tile(page: TestPage, peer: string): Promise<TileFigures | null> {
  return page.evaluate((address) => {
    const el = document.querySelector(`[data-testid="call-tile"][data-peer="${address}"]`);
    if (!(el instanceof HTMLElement)) return null;
    const d = el.dataset;
    return {
      status: d.status ?? "",
      framesDecoded: Number(d.framesDecoded),
      audioEnergy: Number(d.audioEnergy),
      audioPackets: Number(d.audioPackets),
      path: d.path ?? "",
      verified: d.verified === "true",
    };
  }, peer.toLowerCase());
}

/**
 * Waits (bounded: about 60 s) until `page`'s tile of `peer` passes `test`.
 *
 * @returns The figures that passed.
 */
export async function waitForTile(
  page: TestPage,
  peer: string,
  test: (f: TileFigures) => boolean,
  what: string,
): Promise<TileFigures> {
  let last: TileFigures | null = null;
  for (let i = 0; i < 120; i++) {
    last = await tile(page, peer);
    if (last && test(last)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Cannot see ${what} on ${page.engine}: last figures ${JSON.stringify(last)}`);
}

/** Waits until both pages decode the other's video and hear its audio. */
export async function waitForMedia(a: Peer, b: Peer, video = true): Promise<void> {
  for (const [me, other] of [[a, b], [b, a]]) {
    await waitForTile(
      me.page,
      other.address,
      (f) =>
        f.status === "joined" && f.audioEnergy > 0 && f.audioPackets > 0 &&
        (!video || f.framesDecoded > 0),
      `${video ? "decoded frames and " : ""}audio energy from ${other.address}`,
    );
  }
}

/** A page and its address. */
export interface Peer {
  page: TestPage;
  address: string;
}

/** `caller` starts a call, each of `callees` accepts it. */
export async function call(caller: Peer, callees: Peer[], video: boolean): Promise<void> {
  await caller.page.find(video ? "call-start-video" : "call-start-audio").click();
  await caller.page.find("call-panel", { attrs: { "data-phase": "in-call" } }).waitFor();
  for (const c of callees) {
    await c.page.find("call-accept").click();
    await c.page.find("call-panel", { attrs: { "data-phase": "in-call" } }).waitFor();
  }
}

/**
 * Asserts that audio packets from `peer` stopped arriving on `page` (muted) or kept arriving:
 * waits until two reads 2 s apart agree with `flowing` (bounded), then checks once more.
 */
export async function assertAudioFlow(page: TestPage, peer: string, flowing: boolean) {
  let before = 0;
  let after = 0;
  for (let i = 0; i < 10; i++) {
    before = (await tile(page, peer))?.audioPackets ?? 0;
    await new Promise((r) => setTimeout(r, 2_000));
    after = (await tile(page, peer))?.audioPackets ?? 0;
    if ((after > before) === flowing) break;
  }
  assert.equal(
    after > before,
    flowing,
    `audio packets from ${peer} on ${page.engine}: ${before} then ${after}`,
  );
}

/**
 * `first` creates a room and joins it, `second` joins; both wait for the verified link.
 *
 * @returns The room link and both as call peers.
 */
export async function meet(
  appUrl: string,
  first: Person<TestPage>,
  second: Person<TestPage>,
): Promise<{ link: string; a: Peer; b: Peer }> {
  const link = await createRoom(first.page, appUrl);
  await first.page.goto(link);
  await first.page.find("join-room").click();
  await joinRoom(second.page, link);
  await waitForOpenPeer(first.page, second.page);
  return {
    link,
    a: { page: first.page, address: first.address },
    b: { page: second.page, address: second.address },
  };
}
