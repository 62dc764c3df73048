/**
 * A trace of every RTCPeerConnection a test page makes: its signaling, ICE, gathering and
 * connection states, descriptions set (type only), candidates added (type and protocol only) and
 * data channels, with milliseconds since the page loaded. Installed before the page's own scripts
 * (`addInitScript`), kept in the page (at most {@linkcode MAX_LINES} lines), and read back when a
 * wait fails, so a link that never opens says where it stopped. No SDP, key or text is kept.
 *
 * @example
 * ```ts ignore
 * await page.addInitScript(RTC_TRACE_SCRIPT);
 * // ... a wait fails:
 * console.log((await rtcTrace(page)).join("\n"));
 * ```
 * @module
 */
import type { TestPage } from "./test_page.ts";

/** Lines kept per page (the oldest go first). */
export const MAX_LINES = 400;

/** Runs in the page: wraps RTCPeerConnection (its statics kept) to trace each connection. */
function install(maxLines: number): void {
  const g = globalThis as unknown as { RTCPeerConnection?: typeof RTCPeerConnection };
  const Original = g.RTCPeerConnection;
  if (!Original) return;
  const lines: string[] = [];
  Object.defineProperty(globalThis, "__rtcTrace", { value: lines });
  const log = (s: string) => {
    lines.push(`${Math.round(performance.now())} ${s}`);
    if (lines.length > maxLines) lines.shift();
  };
  let count = 0;
  const brief = (c?: RTCIceCandidateInit | null) =>
    c?.candidate ? c.candidate.split(" ").filter((_, i) => i === 2 || i === 7).join(" ") : "end";
  class Traced extends Original {
    constructor(config?: RTCConfiguration) {
      super(config);
      const id = `pc${++count}`;
      log(`${id} made`);
      for (const e of ["signaling", "iceconnection", "icegathering", "connection"] as const) {
        this.addEventListener(`${e}statechange`, () => {
          const state = e === "signaling"
            ? this.signalingState
            : e === "iceconnection"
            ? this.iceConnectionState
            : e === "icegathering"
            ? this.iceGatheringState
            : this.connectionState;
          log(`${id} ${e} ${state}`);
        });
      }
      this.addEventListener("datachannel", (e) => log(`${id} channel in ${e.channel.label}`));
      // The overloads of these methods do not type as one wrapper: traced as plain functions.
      const self = this as unknown as Record<string, (...a: unknown[]) => Promise<void>>;
      const what: Record<string, (a: unknown) => string> = {
        setLocalDescription: (d) =>
          (d as RTCSessionDescriptionInit | undefined)?.type ?? "implicit",
        setRemoteDescription: (d) => (d as RTCSessionDescriptionInit).type,
        addIceCandidate: (c) => brief(c as RTCIceCandidateInit | null),
      };
      for (const [name, say] of Object.entries(what)) {
        const fn = self[name];
        self[name] = (...a: unknown[]) => {
          log(`${id} ${name} ${say(a[0])}`);
          return fn.apply(this, a).catch((e: Error) => {
            log(`${id} ${name} failed: ${e.name}`);
            throw e;
          });
        };
      }
      const close = this.close;
      this.close = () => {
        log(`${id} closed`);
        close.call(this);
      };
    }
  }
  g.RTCPeerConnection = Traced;
}

/** The script for `addInitScript` (either engine). */
export const RTC_TRACE_SCRIPT = `(${install.toString()})(${MAX_LINES});`;

/**
 * The page's trace so far (empty when the script was not installed).
 *
 * @param page The page.
 * @returns The lines, oldest first.
 */
export async function rtcTrace(page: TestPage): Promise<string[]> {
  return await page.evaluate(
    () => [...((globalThis as { __rtcTrace?: string[] }).__rtcTrace ?? [])],
    null,
  );
}
