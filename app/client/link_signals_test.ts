import assert from "node:assert/strict";
import type { Address } from "viem";
import { LinkSignals } from "./link_signals.ts";
import type { LinkSession } from "./link_types.ts";
import type { OutgoingMessage } from "./signaling.ts";

const peer = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Address;

/** A connection that makes one offer, and a session that records what is signalled. */
function bed() {
  const sent: OutgoingMessage[] = [];
  const ice = { iceServers: [] };
  const pc = {
    localDescription: null as RTCSessionDescriptionInit | null,
    signalingState: "stable",
    createOffer: () => Promise.resolve({ type: "offer", sdp: "v=0\r\n" }),
    setLocalDescription(d: RTCSessionDescriptionInit) {
      pc.localDescription = d;
      pc.signalingState = "have-local-offer";
      return Promise.resolve();
    },
  };
  const session = {
    roomId: `0x${"ab".repeat(32)}`,
    ice,
    freshIce: () => Promise.resolve(ice),
    keys: {
      keyPair: { publicKey: new Uint8Array(32) },
      kemKeyPair: { publicKey: new Uint8Array(1184) },
    },
    signal: (m: OutgoingMessage) => (sent.push(m), true),
  } as unknown as LinkSession;
  const signals = new LinkSignals(pc as unknown as RTCPeerConnection, session, peer, () => false);
  const candidate = { candidate: "candidate:1 1 udp 1 192.0.2.1 9 typ host", sdpMid: "0" };
  return { signals, sent, candidate: candidate as RTCIceCandidate };
}

Deno.test("LinkSignals: candidates gathered before the gated offer follow it once the gate opens", async () => {
  const { signals, sent, candidate } = bed();
  let open = (_: boolean) => {};
  const gate = new Promise<boolean>((r) => open = r);
  const offer = signals.describe("offer", false, gate);
  await new Promise((r) => setTimeout(r, 0));
  signals.candidate(candidate); // gathered while the peer's commitment is read
  signals.candidate(null);
  assert.equal(sent.length, 0);
  open(true);
  await offer;
  assert.deepEqual(sent.map((m) => m.type), ["offer", "ice", "ice"]);
  signals.candidate(candidate); // later ones go at once
  assert.equal(sent.length, 4);
  signals.stop();
});

Deno.test("LinkSignals: error: a gate that fails sends neither the offer nor any candidate", async () => {
  const { signals, sent, candidate } = bed();
  const offer = signals.describe("offer", false, Promise.resolve(false));
  signals.candidate(candidate);
  await offer;
  signals.candidate(candidate);
  assert.deepEqual(sent, []);
  signals.stop();
});
