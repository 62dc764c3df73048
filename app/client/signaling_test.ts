import assert from "node:assert/strict";
import type { Hex } from "viem";
import type { ServerMessage } from "../core/wire.ts";
import { SignalingClient } from "./signaling.ts";

const ROOM = `0x${"11".repeat(32)}` as Hex;
const WELCOME = JSON.stringify({
  v: 1,
  type: "welcome",
  address: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  limits: {
    maxFrameBytes: 65536,
    ratePerSecond: 20,
    rateBurst: 50,
    maxRoomsPerSocket: 4,
    maxPeersPerRoom: 16,
  },
});

/** A tiny WebSocket server on loopback that says welcome and records what it receives. */
function fakeServer() {
  const received: string[] = [];
  const sockets: WebSocket[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.onopen = () => {
      socket.send("not json"); // must be ignored
      socket.send(WELCOME);
    };
    socket.onmessage = (e) => received.push(String(e.data));
    sockets.push(socket);
    return response;
  });
  return { url: `ws://127.0.0.1:${server.addr.port}/ws`, received, sockets, server };
}

async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(ok(), what);
}

Deno.test("SignalingClient: joins, reconnects after a drop and joins again", async () => {
  const fake = fakeServer();
  const messages: ServerMessage[] = [];
  const opens: boolean[] = [];
  const client = new SignalingClient({
    url: fake.url,
    onMessage: (m) => messages.push(m),
    onOpen: (reconnected) => opens.push(reconnected),
    baseDelayMs: 10,
  });
  try {
    client.connect();
    client.join(ROOM);
    await until(() => client.state.value === "open", "open");
    await until(() => fake.received.some((f) => f.includes('"join"')), "joined");
    assert.deepEqual(messages.map((m) => m.type), ["welcome"]); // "not json" was refused
    fake.sockets[0].close();
    await until(() => opens.length === 2, "reopened");
    assert.deepEqual(opens, [false, true]);
    assert.equal(client.reconnects.value, 1);
    await until(
      () => fake.received.filter((f) => JSON.parse(f).type === "join").length === 2,
      "joined again",
    );
    assert.equal(client.send({ type: "ping" }), true);
  } finally {
    client.close();
    await fake.server.shutdown();
  }
});

Deno.test("SignalingClient: gives up after maxAttempts when nothing listens", async () => {
  const client = new SignalingClient({
    url: "ws://127.0.0.1:9/ws",
    onMessage: () => {},
    baseDelayMs: 1,
    maxDelayMs: 2,
    maxAttempts: 3,
  });
  client.connect();
  await until(() => client.state.value === "closed", "closed");
  assert.equal(client.send({ type: "ping" }), false);
  client.close();
});
