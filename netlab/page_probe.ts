/**
 * What the lab reads in a page, installed before the page's own scripts: the time each peer
 * card first appears (both people are in the room) and first shows `data-state="open"`
 * (verified, key-confirmed channel), and every RTCPeerConnection the page makes, so the
 * selected candidate pair can be read from `getStats()`. The product is not changed for this.
 * @module
 */
import type { Page } from "playwright-core";

/** The selected candidate pair of the open connection, as one side sees it. */
export interface SelectedPair {
  local: { type: string; protocol: string; relayProtocol?: string; address?: string };
  remote: { type: string; protocol: string; address?: string };
  /** What the page's path badge says ("direct" or "relay"). */
  badge: string | null;
}

/** Page-side script (runs in every document of the context). */
export const PROBE_SCRIPT = `(() => {
  const probe = { seen: 0, open: 0, pcs: [], iceStates: [] };
  globalThis.__netlab = probe;
  const Native = globalThis.RTCPeerConnection;
  if (Native) {
    globalThis.RTCPeerConnection = class extends Native {
      constructor(...args) {
        super(...args);
        probe.pcs.push(this);
        this.addEventListener("iceconnectionstatechange", () =>
          probe.iceStates.push(this.iceConnectionState));
      }
    };
  }
  const look = () => {
    const card = document.querySelector('[data-testid="peer"]');
    if (!card) return;
    if (!probe.seen) probe.seen = Date.now();
    if (!probe.open && card.getAttribute("data-state") === "open") probe.open = Date.now();
  };
  new MutationObserver(look).observe(document, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"],
  });
})();`;

/**
 * Installs the probe in a page's context.
 *
 * @param page The page (before it navigates).
 */
export async function installProbe(page: Page): Promise<void> {
  await page.addInitScript({ content: PROBE_SCRIPT });
}

/**
 * Times the probe recorded (0 when not yet).
 *
 * @param page A probed page.
 * @returns When the peer card appeared and when it opened (ms since the epoch).
 */
export function probeTimes(page: Page): Promise<{ seen: number; open: number }> {
  return page.evaluate(() => {
    const p = (globalThis as unknown as { __netlab: { seen: number; open: number } }).__netlab;
    return { seen: p.seen, open: p.open };
  });
}

/**
 * The selected candidate pair of the page's connected peer connection, from `getStats()`.
 *
 * @param page A probed page with an open link.
 * @returns The pair, or null when no connected connection has one.
 */
export function selectedPair(page: Page): Promise<SelectedPair | null> {
  return page.evaluate(async () => {
    type S = Record<string, unknown> & { id: string; type: string };
    const pcs = (globalThis as unknown as { __netlab: { pcs: RTCPeerConnection[] } }).__netlab.pcs;
    const badge = document.querySelector('[data-testid="path-badge"]')?.getAttribute("data-path");
    for (const pc of [...pcs].reverse()) {
      if (pc.connectionState !== "connected") continue;
      const byId = new Map<string, S>();
      (await pc.getStats()).forEach((s: S) => byId.set(s.id, s));
      const transport = [...byId.values()].find((s) => s.type === "transport");
      const pair = byId.get(String(transport?.selectedCandidatePairId));
      const l = pair && byId.get(String(pair.localCandidateId));
      const r = pair && byId.get(String(pair.remoteCandidateId));
      if (!l || !r) continue;
      return {
        local: {
          type: String(l.candidateType),
          protocol: String(l.protocol),
          relayProtocol: l.relayProtocol ? String(l.relayProtocol) : undefined,
          address: `${l.address}:${l.port}`,
        },
        remote: {
          type: String(r.candidateType),
          protocol: String(r.protocol),
          address: `${r.address}:${r.port}`,
        },
        badge: badge ?? null,
      };
    }
    return null;
  });
}

/**
 * Whether ICE is still checking candidate pairs on the page's connected connection: a pair
 * `waiting` or `in-progress` could still succeed and be nominated over the selected one (the
 * browser may open on a relay pair and switch to a hole punched a moment later).
 *
 * @param page A probed page with an open link.
 * @returns How many pairs are still being checked (0 once checking is done).
 */
export function pairsInCheck(page: Page): Promise<number> {
  return page.evaluate(async () => {
    type S = Record<string, unknown> & { type: string };
    const pcs = (globalThis as unknown as { __netlab: { pcs: RTCPeerConnection[] } }).__netlab.pcs;
    const pc = [...pcs].reverse().find((p) => p.connectionState === "connected");
    if (!pc) return 0;
    let checking = 0;
    (await pc.getStats()).forEach((s: S) => {
      if (s.type === "candidate-pair" && (s.state === "waiting" || s.state === "in-progress")) {
        checking++;
      }
    });
    return checking;
  });
}

/**
 * One word for how the packets travel, from both sides' selected pairs: `relay/<transports>`
 * when a side sends through its own TURN allocation (its transport to the TURN server: udp, tcp
 * or tls); `relay/udp*` when the only relay is the peer's as a remote candidate on both sides
 * (each side sends from a peer-reflexive address to the other's relayed address; the owner's
 * transport to TURN is not in these pairs); else `<least direct candidate type>/<udp|tcp>`.
 *
 * @param a One side's pair.
 * @param b The other side's pair.
 * @returns E.g. "srflx/udp", "relay/tls", "relay/tcp+udp", "relay/udp*".
 */
export function pathLabel(a: SelectedPair, b: SelectedPair): string {
  const relays = [a, b].filter((p) => p.local.type === "relay")
    .map((p) => p.local.relayProtocol ?? "?");
  if (relays.length > 0) return `relay/${[...new Set(relays)].sort().join("+")}`;
  if (a.remote.type === "relay" || b.remote.type === "relay") return "relay/udp*";
  const rank = ["host", "srflx", "prflx"];
  const types = [a.local.type, b.local.type, a.remote.type, b.remote.type];
  const worst = types.reduce((w, t) => rank.indexOf(t) > rank.indexOf(w) ? t : w, "host");
  return `${worst}/${a.local.protocol}`;
}

/**
 * What a page shows and what its peer connections are doing, for a failed try's report: the
 * peer card's state, banners, and per connection the ICE, DTLS and signaling states and the
 * candidates gathered and received by type.
 *
 * @param page A probed page.
 * @returns One line.
 */
export function diagnose(page: Page): Promise<string> {
  return page.evaluate(async () => {
    type S = Record<string, unknown> & { id: string; type: string };
    const card = document.querySelector('[data-testid="peer"]')?.getAttribute("data-state");
    const step = document.querySelector('[data-testid="session-steps"]')?.getAttribute("data-step");
    const banners = [...document.querySelectorAll("[data-kind]")].map((b) => b.textContent);
    const pcs = (globalThis as unknown as { __netlab: { pcs: RTCPeerConnection[] } }).__netlab.pcs;
    const conns = await Promise.all(pcs.map(async (pc) => {
      const count: Record<string, number> = {};
      let pairs = 0;
      let succeeded = 0;
      (await pc.getStats()).forEach((s: S) => {
        if (s.type === "local-candidate" || s.type === "remote-candidate") {
          const k = `${s.type.split("-")[0]}:${s.candidateType}/${s.relayProtocol ?? s.protocol}`;
          count[k] = (count[k] ?? 0) + 1;
        }
        if (s.type === "candidate-pair") {
          pairs++;
          if (s.state === "succeeded") succeeded++;
        }
      });
      return `ice=${pc.iceConnectionState} conn=${pc.connectionState} sig=${pc.signalingState} ` +
        `pairs=${succeeded}/${pairs} ${JSON.stringify(count)}`;
    }));
    return `step=${step} card=${card} banners=${JSON.stringify(banners)} pcs=[${conns.join("; ")}]`;
  }).catch((e) => `cannot diagnose: ${e}`);
}

/**
 * Every ICE connection state the page's connections went through, in order (for recovery).
 *
 * @param page A probed page.
 * @returns E.g. ["checking", "connected", "disconnected", "checking", "connected"].
 */
export function iceStates(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (globalThis as unknown as { __netlab: { iceStates: string[] } }).__netlab.iceStates
  );
}
