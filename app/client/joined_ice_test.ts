/**
 * The ICE servers come in `joined`: a browser entering a room asks nothing more before its first
 * offer (real chain and server with TURN REST credentials; WebRTC in memory).
 */
import assert from "node:assert/strict";
import { startEngineBed, until } from "../../testing/engine_session.ts";
import { createRoom } from "../../testing/server.ts";
import type { EngineIO } from "./io.ts";

const TURN = "turn:127.0.0.1:3478?transport=udp";

Deno.test("joined carries the TURN credentials: no /api/ice request before the first offer", async () => {
  const bed = await startEngineBed({
    MESH3_TURN_SECRET: "a-turn-secret-of-the-test",
    MESH3_TURN_URLS: TURN,
    MESH3_STUN_URLS: "stun:127.0.0.1:3478",
  });
  let asked = 0;
  const counting = (io: EngineIO): EngineIO => ({
    ...io,
    fetch: (input, init) => {
      if (new URL(String(input)).pathname === "/api/ice") asked++;
      return io.fetch(input, init);
    },
  });
  try {
    const roomId = await createRoom(bed.chain, 1);
    const alice = bed.start(1, roomId, { io: counting });
    const bob = bed.start(2, roomId, { io: counting });
    for (const p of [alice, bob]) {
      await until(p.s.state, (v) => v.links.some((l) => l.state === "open"), "open link");
    }
    for (const p of [alice, bob]) {
      const link = p.s.links[0];
      const turn = link.session.ice.iceServers.find((s) => [s.urls].flat().includes(TURN));
      assert.ok(turn, "the link gathers with the TURN server from joined");
      const [expiry, address] = String(turn.username).split(":");
      assert.equal(address, link.session.self);
      assert.ok(Number(expiry) > Date.now() / 1000);
      assert.match(String(turn.credential), /^[A-Za-z0-9+/]{27}=$/);
    }
    assert.equal(asked, 0, "no /api/ice request was needed");
  } finally {
    await bed.close();
  }
});
