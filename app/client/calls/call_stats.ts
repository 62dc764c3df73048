/**
 * What a call tile shows from the link's statistics: video frames decoded, audio energy and
 * packets received, and whether the peer is speaking now (inbound-rtp `audioLevel`).
 * @module
 */
import type { CallPeer } from "./call_types.ts";
import type { PathKind } from "../rtc_stats.ts";
import type { LinkState } from "../link_types.ts";

/** Audio level above which a peer counts as speaking (0..1, as in inbound-rtp). */
export const SPEAKING_LEVEL = 0.02;

/** The inbound figures of one peer. */
export interface CallStats {
  framesDecoded: number;
  audioEnergy: number;
  audioPackets: number;
  speaking: boolean;
}

/**
 * Reads a peer's inbound media figures.
 *
 * @param source Anything with the link's `stats()`.
 * @returns Sums over inbound-rtp entries by kind.
 *
 * @example
 * ```ts ignore
 * const { framesDecoded, speaking } = await readCallStats(peerMedia);
 * ```
 */
export async function readCallStats(
  source: { stats(): Promise<RTCStatsReport> },
): Promise<CallStats> {
  const out: CallStats = { framesDecoded: 0, audioEnergy: 0, audioPackets: 0, speaking: false };
  (await source.stats()).forEach((r) => {
    if (r.type !== "inbound-rtp") return;
    if (r.kind === "video") out.framesDecoded += r.framesDecoded ?? 0;
    if (r.kind === "audio") {
      out.audioEnergy += r.totalAudioEnergy ?? 0;
      out.audioPackets += r.packetsReceived ?? 0;
      out.speaking ||= (r.audioLevel ?? 0) > SPEAKING_LEVEL;
    }
  });
  return out;
}

/** The parts of a peer's link and media a tile's figures come from. */
export interface PeerFigureSources {
  media: { stats(): Promise<RTCStatsReport>; readonly stream: MediaStream | null };
  link?: { readonly state: LinkState; readonly status: { value: { path: PathKind | null } } };
}

/**
 * Everything a tile shows that changes by itself: the inbound figures, whether the link is the
 * verified one and open, its path, and the peer's stream once it exists.
 *
 * @param peer The tile's peer now.
 * @param media The peer's call media.
 * @param link The peer's link (undefined once it is gone).
 *
 * @example
 * ```ts ignore
 * patchPeer(peer.address, await readPeerFigures(peer, peerMedia, link));
 * ```
 */
export async function readPeerFigures(
  peer: CallPeer,
  media: PeerFigureSources["media"],
  link: PeerFigureSources["link"],
): Promise<Partial<CallPeer>> {
  const stats = await readCallStats(media).catch(() => null);
  return {
    ...stats,
    verified: link?.state === "open",
    path: link?.status.value.path ?? null,
    // The answering side's transceivers come with the peer's offer: its stream then.
    stream: peer.stream ?? media.stream,
  };
}
