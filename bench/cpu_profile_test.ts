import assert from "node:assert/strict";
import { summarizeProfile } from "./cpu_profile.ts";

const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });

Deno.test("summarizeProfile: shares by origin, idle and inspector samples left out", () => {
  const s = summarizeProfile({
    nodes: [
      { id: 1, callFrame: frame("(idle)", "") },
      { id: 2, callFrame: frame("relay", "file:///x/main/app/server/signaling/hub.ts") },
      { id: 3, callFrame: frame("parse", "file:///x/main/app/core/wire.ts") },
      { id: 4, callFrame: frame("op_inspector_emit_protocol_event", "") },
    ],
    samples: [1, 1, 2, 2, 2, 3, 4, 4],
    timeDeltas: [],
  });
  assert.equal(s.samples, 4);
  assert.equal(s.inspectorShare, 33.3);
  assert.deepEqual(s.byOrigin, [
    { name: "app/server (Mesh3 server)", share: 75 },
    { name: "app/core (wire parser, commitment)", share: 25 },
  ]);
  assert.equal(s.topFunctions[0].name, "relay hub.ts:1");
});
