import assert from "node:assert/strict";
import type { PeerStatus } from "./link_types.ts";
import { IceRecovery } from "./ice_recovery.ts";

/** Statistics naming one selected pair whose local candidate is of `type`. */
function report(type: "host" | "relay"): Map<string, Record<string, unknown>> {
  return new Map<string, Record<string, unknown>>([
    ["t", { id: "t", type: "transport", selectedCandidatePairId: "p" }],
    ["p", { id: "p", type: "candidate-pair", localCandidateId: "l", remoteCandidateId: "r" }],
    ["l", { id: "l", type: "local-candidate", candidateType: type }],
    ["r", { id: "r", type: "remote-candidate", candidateType: "host" }],
  ]);
}

/** A connection whose statistics come back when the test says, and whose ICE transport switches
 * pairs (`getSelectedCandidatePair`, as Chromium has it). */
function connection() {
  const pending: { resolve: (r: unknown) => void }[] = [];
  const ice = new EventTarget() as EventTarget & { pair: "host" | "relay" };
  ice.pair = "relay";
  Object.assign(ice, {
    getSelectedCandidatePair: () => ({ local: { type: ice.pair }, remote: { type: "host" } }),
  });
  const pc = {
    iceConnectionState: "connected",
    sctp: { transport: { iceTransport: ice } },
    getStats: () => new Promise((resolve) => pending.push({ resolve })),
  };
  return { pc: pc as unknown as RTCPeerConnection, pending, ice };
}

function recovery(pc: RTCPeerConnection, shown: PeerStatus["path"][]) {
  return new IceRecovery(pc, {
    offerer: true,
    isOpen: () => true,
    remoteSet: () => true,
    set: (patch) => patch.path !== undefined && shown.push(patch.path),
    restartOffer: () => Promise.resolve(),
  });
}

Deno.test("IceRecovery: a path read that comes back after a later one is not shown", async () => {
  const { pc, pending } = connection();
  const shown: PeerStatus["path"][] = [];
  const r = recovery(pc, shown);
  const older = r.readPath();
  const newer = r.readPath();
  pending[1].resolve(report("host"));
  await newer;
  pending[0].resolve(report("relay")); // a report from before the switch, late
  await older;
  assert.deepEqual(shown, ["direct"]);
});

Deno.test("IceRecovery: a pair switch is shown as read from the transport, over a late read", async () => {
  const { pc, pending, ice } = connection();
  const shown: PeerStatus["path"][] = [];
  const r = recovery(pc, shown);
  r.followPairs();
  const atOpen = r.readPath();
  ice.pair = "host";
  ice.dispatchEvent(new Event("selectedcandidatepairchange"));
  pending[0].resolve(report("relay"));
  await atOpen;
  assert.deepEqual(shown, ["direct"]);
  assert.equal(pending.length, 1, "the switch needed no statistics");
});
