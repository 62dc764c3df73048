/**
 * A hostile signaling server's attacks, for the hostile-server browser tests: it swaps the public
 * key or the DTLS fingerprint in offers or answers, replays a peer's old description, drops the
 * first offer, drops every answer to the offerer's first connection, or splices an attacker's
 * WebRTC endpoint into the path (mitm_peer.ts). Plus the
 * checks those tests make on either browser: who refused, and that nothing opened.
 * @module
 */
import assert from "node:assert/strict";
import { encodeBase64Url } from "../../app/core/bytes.ts";
import { sdpSession } from "../../app/core/sdp.ts";
import { type AnyPage, asTestPage } from "./app_flow.ts";
import type { MitmPeer } from "./mitm_peer.ts";

/** What the hostile server does to one room. */
export type Swap = "key" | "fingerprint";
export type Attack =
  /** `media`: only descriptions that start sending audio or video (a call's renegotiation). */
  | { kind: "swap"; on: "offer" | "answer"; swap: Swap; media?: boolean }
  | { kind: "replay" }
  | { kind: "drop-first-offer"; dropped: number }
  /** Every answer is dropped until an offer from a second connection of the offerer's is seen:
   * the first link can never open, and only a new connection gets through. */
  | { kind: "drop-first-connection"; sessions: Set<string>; dropped: number }
  | { kind: "mitm"; peer: MitmPeer; offerer?: string; answer?: Promise<string> };

const FINGERPRINT = /a=fingerprint:sha-256 \S+/g;

/**
 * The hostile server: per room, one attack; it remembers every peer's first descriptions. Rooms
 * without an attack pass unchanged.
 *
 * @param attacks Room id (lower case) → attack; arm it before the second person joins.
 * @returns The tamper for `startAppServer(chain, { tamper })`.
 *
 * @example
 * ```ts ignore
 * const attacks = new Map<string, Attack>();
 * const app = await startAppServer(chain, { tamper: hostile(attacks) });
 * attacks.set(roomId, { kind: "swap", on: "offer", swap: "fingerprint" });
 * ```
 */
export function hostile(attacks: Map<string, Attack>) {
  const first = new Map<string, { publicKey: string; kemKey: string; sdp: string }>();
  return async (frame: string): Promise<string | null> => {
    const m = JSON.parse(frame);
    if (!m.roomId) return frame;
    const remember = `${m.roomId}/${m.from}/${m.type}`;
    if ((m.type === "offer" || m.type === "answer") && !first.has(remember)) {
      first.set(remember, { publicKey: m.publicKey, kemKey: m.kemKey, sdp: m.sdp });
    }
    const attack = attacks.get(m.roomId);
    if (!attack) return frame;
    // A call starting: an audio or video section that sends and receives.
    const media = /^m=(audio|video) [\s\S]*^a=sendrecv/m.test(String(m.sdp ?? ""));
    if (attack.kind === "swap" && m.type === attack.on && (!attack.media || media)) {
      if (attack.swap === "key") {
        const length = m.publicKey.length > 43 ? 65 : 32;
        const fake = crypto.getRandomValues(new Uint8Array(length));
        if (length === 65) fake[0] = 4;
        m.publicKey = encodeBase64Url(fake);
      } else {
        const fp = Array.from({ length: 32 }, () => "5A").join(":");
        m.sdp = m.sdp.replace(FINGERPRINT, `a=fingerprint:sha-256 ${fp}`);
      }
    } else if (attack.kind === "drop-first-offer" && m.type === "offer" && !attack.dropped) {
      attack.dropped++;
      return null;
    } else if (attack.kind === "drop-first-connection" && m.type === "offer") {
      attack.sessions.add(sdpSession(m.sdp) ?? "");
    } else if (
      attack.kind === "drop-first-connection" && m.type === "answer" && attack.sessions.size < 2
    ) {
      attack.dropped++;
      return null;
    } else if (attack.kind === "replay" && (m.type === "offer" || m.type === "answer")) {
      Object.assign(m, first.get(remember));
    } else if (attack.kind === "mitm") {
      if (m.type === "offer") {
        attack.offerer = m.from;
        attack.answer ??= attack.peer.answer(m.sdp);
      } else if (m.type === "ice") {
        // The real answerer is cut off: the offerer's candidates go to the attacker only.
        if (m.from === attack.offerer) {
          void attack.answer?.then(() => attack.peer.addIce(m.candidate));
        }
        return null;
      } else if (m.type === "answer") {
        // Real committed key and fingerprint, the attacker's ICE credentials and candidates.
        const real = String(m.sdp).match(FINGERPRINT)![0];
        m.sdp = (await attack.answer!).replace(FINGERPRINT, real);
      }
    }
    return JSON.stringify(m);
  };
}

const REFUSED = { hasText: "Refused the" };

/**
 * Waits until one of the pages shows a refusal banner; returns that page and its text.
 *
 * @param pages Pages of either browser.
 * @returns The page that refused (the very object passed in) and the banner's text.
 */
export async function refusal<P extends AnyPage>(pages: P[]): Promise<{ page: P; text: string }> {
  for (let i = 0; i < 300; i++) {
    for (const p of pages) {
      const banner = asTestPage(p).find("banner", REFUSED);
      if (await banner.count() > 0) return { page: p, text: await banner.text() };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("No browser refused the forged description");
}

/**
 * Asserts that no page has an open peer, an enabled composer or any message.
 *
 * @param pages Pages of either browser.
 */
export async function assertNothingOpen(pages: AnyPage[]): Promise<void> {
  for (const any of pages) {
    const p = asTestPage(any);
    assert.equal(await p.find("peer", { attrs: { "data-state": "open" } }).count(), 0);
    const composerUsable = await p.evaluate(() => {
      const c = document.querySelector('[data-testid="composer"]') as HTMLTextAreaElement | null;
      return c !== null && !c.disabled;
    }, null);
    assert.equal(composerUsable, false);
    assert.equal(await p.find("message").count(), 0);
  }
}
