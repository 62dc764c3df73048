/**
 * Two things a peer link does to its connection's ICE over a long session: give the browser
 * current TURN credentials before it gathers (an offer, an answer, an ICE restart), and follow
 * the selected candidate pair so the Direct/Relay badge shows the path really in use.
 * @module
 */
import type { IceConfig } from "./ice.ts";
import { type PathKind, selectedPath } from "./rtc_stats.ts";

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
 * Calls `onPath` whenever the browser switches the selected candidate pair (a better path found
 * later, a relay lost), which changes no ICE state. Needs the SCTP transport (after the remote
 * description); a browser without `RTCIceTransport` events is left as is.
 *
 * @param pc The connection.
 * @param onPath Gets "direct" or "relay".
 * @returns false when there is nothing to watch yet.
 *
 * @example
 * ```ts ignore
 * watchSelectedPath(pc, (p) => link.path.value = p);
 * ```
 */
export function watchSelectedPath(
  pc: RTCPeerConnection,
  onPath: (path: PathKind) => void,
): boolean {
  const ice = pc.sctp?.transport.iceTransport;
  if (!ice) return false;
  ice.addEventListener("selectedcandidatepairchange", () => {
    void selectedPath(pc).then((p) => p && onPath(p), () => {});
  });
  return true;
}
