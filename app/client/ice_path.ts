/**
 * Two things a peer link does to its connection's ICE over a long session: give the browser
 * current TURN credentials before it gathers (an offer, an answer, an ICE restart), and follow
 * the selected candidate pair so the Direct/Relay badge shows the path really in use.
 * @module
 */
import type { IceCandidate } from "../core/wire.ts";
import type { IceConfig } from "./ice.ts";
import type { PathKind } from "./rtc_stats.ts";

/**
 * Gives a connection a new ICE configuration (same certificate, which cannot change).
 *
 * @param pc The connection.
 * @param current The configuration it has.
 * @param fresh A current one (from `iceSource`).
 * @param certificate The connection's DTLS certificate.
 * @returns The configuration now in use (`current` when the browser refused the change).
 *
 * @example
 * ```ts ignore
 * ice = applyIceConfig(pc, ice, await freshIce(), certificate);
 * ```
 */
export function applyIceConfig(
  pc: RTCPeerConnection,
  current: IceConfig,
  fresh: IceConfig,
  certificate: RTCCertificate,
): IceConfig {
  if (fresh === current) return current;
  try {
    pc.setConfiguration({
      iceServers: fresh.iceServers,
      iceTransportPolicy: fresh.iceTransportPolicy ?? "all",
      certificates: [certificate],
    });
    return fresh;
  } catch {
    // Refused: gather with the servers it has.
    return current;
  }
}

/**
 * Calls `onSwitch` whenever the browser switches the selected candidate pair (a better path
 * found later, a relay lost), which changes no ICE state. Needs the SCTP transport (after the
 * remote description); a browser without `RTCIceTransport` events is left as is. The new pair's
 * path is read from the transport itself where the browser has `getSelectedCandidatePair`
 * (statistics read just then may be a cached report from before the switch).
 *
 * @param pc The connection.
 * @param onSwitch Gets "direct" or "relay", or null when the browser cannot say without its
 *   statistics.
 * @returns false when there is nothing to watch yet.
 *
 * @example
 * ```ts ignore
 * watchSelectedPath(pc, (p) => p ? show(p) : readStats());
 * ```
 */
export function watchSelectedPath(
  pc: RTCPeerConnection,
  onSwitch: (path: PathKind | null) => void,
): boolean {
  const ice = pc.sctp?.transport.iceTransport;
  if (!ice) return false;
  ice.addEventListener("selectedcandidatepairchange", () => onSwitch(pairPath(ice)));
  return true;
}

/** The path of the transport's selected pair, read now; null where the browser cannot say. */
function pairPath(ice: RTCIceTransport): PathKind | null {
  const get = (ice as { getSelectedCandidatePair?: () => RTCIceCandidatePair | null })
    .getSelectedCandidatePair;
  const pair = typeof get === "function" ? get.call(ice) : null;
  if (!pair?.local || !pair.remote) return null;
  return pair.local.type === "relay" || pair.remote.type === "relay" ? "relay" : "direct";
}

/**
 * A local ICE candidate in the signaling wire's form.
 *
 * @param c The browser's candidate.
 * @returns Its fields the peer needs.
 *
 * @example
 * ```ts ignore
 * pc.onicecandidate = (e) => signal({ type: "ice", candidate: e.candidate && wireCandidate(e.candidate) });
 * ```
 */
export function wireCandidate(c: RTCIceCandidate): IceCandidate {
  const { candidate, sdpMid, sdpMLineIndex, usernameFragment } = c;
  return { candidate, sdpMid, sdpMLineIndex, usernameFragment };
}
