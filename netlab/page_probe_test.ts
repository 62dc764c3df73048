import assert from "node:assert/strict";
import { pathLabel, type SelectedPair } from "./page_probe.ts";

const side = (local: string, remote: string, relayProtocol?: string): SelectedPair => ({
  local: { type: local, protocol: "udp", relayProtocol },
  remote: { type: remote, protocol: "udp" },
  badge: null,
});

Deno.test("pathLabel: a relayed side names its transport to the TURN server", () => {
  assert.equal(pathLabel(side("relay", "srflx", "tls"), side("srflx", "relay")), "relay/tls");
  assert.equal(
    pathLabel(side("relay", "relay", "udp"), side("relay", "relay", "udp")),
    "relay/udp",
  );
  assert.equal(
    pathLabel(side("relay", "relay", "tls"), side("relay", "relay", "tcp")),
    "relay/tcp+tls",
  );
});

Deno.test("pathLabel: both sides sending to the other's relayed address is a relay path", () => {
  assert.equal(pathLabel(side("prflx", "relay"), side("prflx", "relay")), "relay/udp*");
});

Deno.test("pathLabel: a direct path is named by its least direct candidate type", () => {
  assert.equal(pathLabel(side("host", "host"), side("host", "host")), "host/udp");
  assert.equal(pathLabel(side("srflx", "srflx"), side("srflx", "srflx")), "srflx/udp");
  assert.equal(pathLabel(side("srflx", "prflx"), side("prflx", "srflx")), "prflx/udp");
});
