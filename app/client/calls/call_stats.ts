/**
 * What a call tile shows from the link's statistics: video frames decoded, audio energy and
 * packets received, and whether the peer is speaking now (inbound-rtp `audioLevel`).
 * @module
 */

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
