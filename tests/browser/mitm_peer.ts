/**
 * A man in the middle's own WebRTC endpoint, in a Chromium page of its own: given a victim's
 * offer it answers with its own ICE credentials and DTLS certificate, so that a hostile
 * signaling server can splice it into the victim's path (after rewriting the answer to carry the
 * real peer's committed key and fingerprint). It records whether any DataChannel ever opened
 * and any byte of application data arrived: both must stay false.
 * @module
 */
import type { Browser, BrowserContext, Page } from "playwright-core";

/** What the attacker's endpoint got. */
export interface MitmReport {
  channelOpened: boolean;
  messages: number;
  connectionState: string;
}

/** A running attacker endpoint. */
export interface MitmPeer {
  /** Answers `offerSdp` with the attacker's own SDP (candidates gathered, at most 3 s). */
  answer(offerSdp: string): Promise<string>;
  /** Adds one of the victim's trickled candidates. */
  addIce(candidate: RTCIceCandidateInit | null): Promise<void>;
  report(): Promise<MitmReport>;
  close(): Promise<void>;
}

type W = {
  mitm: {
    pc: RTCPeerConnection;
    opened: boolean;
    messages: number;
  };
};

/**
 * Opens the attacker's page.
 *
 * @param browser The test's Chromium.
 * @returns The endpoint; `close()` it when done.
 *
 * @example
 * ```ts ignore
 * const mitm = await startMitmPeer(browser);
 * const sdp = await mitm.answer(offer.sdp);
 * ```
 */
export async function startMitmPeer(browser: Browser): Promise<MitmPeer> {
  const context: BrowserContext = await browser.newContext();
  const page: Page = await context.newPage();
  await page.evaluate(() => {
    const state = { pc: new RTCPeerConnection(), opened: false, messages: 0 };
    state.pc.ondatachannel = (e) => {
      e.channel.onopen = () => state.opened = true;
      e.channel.onmessage = () => state.messages++;
    };
    (globalThis as unknown as W).mitm = state;
  });
  return {
    answer: (offerSdp) =>
      page.evaluate(async (sdp) => {
        const { pc } = (globalThis as unknown as W).mitm;
        await pc.setRemoteDescription({ type: "offer", sdp });
        await pc.setLocalDescription(await pc.createAnswer());
        for (let i = 0; i < 30 && pc.iceGatheringState !== "complete"; i++) {
          await new Promise((r) => setTimeout(r, 100));
        }
        return pc.localDescription!.sdp;
      }, offerSdp),
    addIce: (candidate) =>
      page.evaluate(async (c) => {
        if (c) {
          await (globalThis as unknown as W).mitm.pc.addIceCandidate(c).catch(() => {});
        }
      }, candidate),
    report: () =>
      page.evaluate(() => {
        const m = (globalThis as unknown as W).mitm;
        return {
          channelOpened: m.opened,
          messages: m.messages,
          connectionState: m.pc.connectionState,
        };
      }),
    close: () => context.close(),
  };
}
